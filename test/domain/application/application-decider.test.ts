import { describe, expect, it } from 'vitest';
import { applicationDecider } from '../../../domain/application/decider.js';
import { publicKeyRegistryDecider } from '../../../domain/application/public-key-registry.js';
import type { ApplicationCommand } from '../../../domain/application/decide.js';
import type { ApplicationEvent } from '../../../domain/application/events.js';
import type { CsrFacts } from '../../../domain/ports/certificate-authority.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(applicationDecider);
const now = new Date('2026-11-25T01:00:00.000Z');
const applicationId = '3f1c2b9e-7a4d-4c1e-9b2a-5d6e7f8a9b0c';
const holderRef = 'a'.repeat(64);
const personal = {
  residentRecordCode: '12345678901',
  name: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  dateOfBirth: '1990-06-15',
  sex: 'male' as const,
  address: '東京都千代田区千代田１－１',
};

const submit = (overrides: Partial<Extract<ApplicationCommand, { type: 'SubmitApplication' }>> = {}): ApplicationCommand => ({
  type: 'SubmitApplication',
  applicationId,
  certificateType: 'signing',
  municipalityCode: '131016',
  holderRef,
  personal,
  now,
  ...overrides,
});
const submitted: ApplicationEvent = {
  type: 'ApplicationSubmitted',
  data: { applicationId, certificateType: 'signing', municipalityCode: '131016', holderRef, submittedAt: now.toISOString(), personal },
};
const verified: ApplicationEvent = { type: 'IdentityVerified', data: { applicationId, method: 'photo-id', documentType: 'passport', verifiedAt: now.toISOString() } };
const goodCsr: CsrFacts = {
  publicKey: { kind: 'rsa', modulusBits: 2048, publicExponent: 65537 },
  subjectPublicKeyInfo: 'MIIB',
  publicKeySha256: 'b'.repeat(64),
  proofOfPossession: true,
};
const keyAccepted: ApplicationEvent = {
  type: 'PublicKeyAccepted',
  data: { applicationId, subjectPublicKeyInfo: 'MIIB', publicKeySha256: 'b'.repeat(64), keyDescription: 'RSA-2048 e=65537', acceptedAt: now.toISOString() },
};
const prepareCommand: ApplicationCommand = {
  type: 'PrepareIssuance',
  serialNumber: '7F01020304050607',
  issuerKeyId: 'c'.repeat(64),
  tbsSha256: 'd'.repeat(64),
  notBefore: new Date('2026-11-24T15:00:00.000Z'),
  notAfter: new Date('2031-06-15T14:59:59.000Z'),
  now,
};
const prepared: ApplicationEvent = {
  type: 'CertificateIssuancePrepared',
  data: {
    applicationId,
    serialNumber: '7F01020304050607',
    issuerKeyId: 'c'.repeat(64),
    tbsSha256: 'd'.repeat(64),
    notBefore: '2026-11-24T15:00:00.000Z',
    notAfter: '2031-06-15T14:59:59.000Z',
    preparedAt: now.toISOString(),
  },
};

describe('submitting an application', () => {
  it('records the application with the personal data in one sub-object', () => {
    spec.given([]).when(submit()).then([submitted]);
  });
  it('refuses a second submission with the same id', () => {
    spec.given([submitted]).when(submit()).thenFails('InvalidTransition', 'application-exists');
  });
  it('refuses a signing certificate to an applicant under 15 (JST date of the application)', () => {
    // 15th birthday on 25 November 2026 in Japan; 2026-11-24T14:59:59Z is still 24 November there.
    const young = { ...personal, dateOfBirth: '2011-11-25' };
    const error = spec.given([]).when(submit({ personal: young, now: new Date('2026-11-24T14:59:59Z') })).thenFails('PolicyViolation', 'applicant-under-15');
    expect(error).toMatchObject({ field: 'applicant.dateOfBirth' });
    spec.given([]).when(submit({ personal: young, now: new Date('2026-11-24T15:00:00Z') })).then([
      { ...submitted, data: { ...submitted.data, personal: young, submittedAt: '2026-11-24T15:00:00.000Z' } } as ApplicationEvent,
    ]);
  });
  it('lets an applicant under 15 have a user-authentication certificate', () => {
    const child = { ...personal, dateOfBirth: '2020-01-01' };
    spec.given([]).when(submit({ certificateType: 'user-authentication', personal: child })).then([
      { ...submitted, data: { ...submitted.data, certificateType: 'user-authentication', personal: child } } as ApplicationEvent,
    ]);
  });
  it('refuses a signing application whose name needs alternative characters that were not given', () => {
    const error = spec.given([]).when(submit({ personal: { ...personal, name: '髙橋 太郎' } })).thenFails('PolicyViolation', 'substitution-missing');
    expect(error).toMatchObject({ field: 'applicant.alternativeCharacters.name' });
  });
  it('refuses an address outside JIS X 0208 without alternative characters, naming the address', () => {
    const error = spec.given([]).when(submit({ personal: { ...personal, address: '東京都葛飾区𠮷野町' } })).thenFails('PolicyViolation', 'substitution-missing');
    expect(error).toMatchObject({ field: 'applicant.alternativeCharacters.address' });
  });
  it('accepts the name with designated alternative characters', () => {
    const withSubstitute = { ...personal, name: '髙橋 太郎', alternativeCharacters: { name: '高橋 太郎' } };
    spec.given([]).when(submit({ personal: withSubstitute })).then([{ ...submitted, data: { ...submitted.data, personal: withSubstitute } } as ApplicationEvent]);
  });
  describe('as a renewal', () => {
    const renewal = { serialNumber: '0A0B0C0D0E0F1011', holderRef, certificateType: 'signing' as const, notAfter: new Date('2027-01-31T14:59:59Z'), revoked: false };
    it('is allowed in the last three months before the old certificate expires', () => {
      spec.given([]).when(submit({ renewal })).then([{ ...submitted, data: { ...submitted.data, renewalOf: '0A0B0C0D0E0F1011' } } as ApplicationEvent]);
    });
    it('is refused earlier', () => {
      spec.given([]).when(submit({ renewal: { ...renewal, notAfter: new Date('2027-03-31T14:59:59Z') } })).thenFails('PolicyViolation', 'renewal-not-allowed');
    });
    it('is refused for another holder or type, or a revoked certificate', () => {
      spec.given([]).when(submit({ renewal: { ...renewal, holderRef: 'e'.repeat(64) } })).thenFails('PolicyViolation', 'renewal-mismatch');
      spec.given([]).when(submit({ renewal: { ...renewal, certificateType: 'user-authentication' } })).thenFails('PolicyViolation', 'renewal-mismatch');
      spec.given([]).when(submit({ renewal: { ...renewal, revoked: true } })).thenFails('PolicyViolation', 'renewal-of-revoked');
    });
  });
});

describe('identity verification', () => {
  const record = (result: 'verified' | 'failed'): ApplicationCommand => ({ type: 'RecordIdentityVerification', result, method: 'photo-id', documentType: 'passport', now });
  it('records a verified identity', () => {
    spec.given([submitted]).when(record('verified')).then([verified]);
  });
  it('records a failure, which ends the application', () => {
    spec.given([submitted]).when(record('failed')).then([
      { type: 'IdentityVerificationFailed', data: { applicationId, method: 'photo-id', documentType: 'passport', failedAt: now.toISOString() } },
    ]);
    const failed: ApplicationEvent = { type: 'IdentityVerificationFailed', data: { applicationId, method: 'photo-id', documentType: 'passport', failedAt: now.toISOString() } };
    spec.given([submitted, failed]).when(record('verified')).thenFails('InvalidTransition', 'application-closed');
    spec.given([submitted, failed]).when({ type: 'SubmitPublicKey', csr: goodCsr, now }).thenFails('InvalidTransition', 'application-closed');
  });
  it('is recorded once', () => {
    spec.given([submitted, verified]).when(record('verified')).thenFails('InvalidTransition', 'identity-already-verified');
  });
  it('needs an application', () => {
    spec.given([]).when(record('verified')).thenFails('NotFound', 'application-not-found');
  });
});

describe('the resident public key', () => {
  const key = (csr: Partial<CsrFacts> = {}): ApplicationCommand => ({ type: 'SubmitPublicKey', csr: { ...goodCsr, ...csr }, now });
  it('is accepted after identity verification', () => {
    spec.given([submitted, verified]).when(key()).then([keyAccepted]);
  });
  it('is refused before identity verification', () => {
    spec.given([submitted]).when(key()).thenFails('InvalidTransition', 'identity-not-verified');
  });
  it('must prove possession', () => {
    spec.given([submitted, verified]).when(key({ proofOfPossession: false })).thenFails('PolicyViolation', 'proof-of-possession-failed');
  });
  it.each([
    [{ kind: 'rsa', modulusBits: 1024, publicExponent: 65537 }, 'public-key-too-weak'],
    [{ kind: 'rsa', modulusBits: 2048, publicExponent: 3 }, 'public-key-too-weak'],
    [{ kind: 'rsa', modulusBits: 2048, publicExponent: 65538 }, 'public-key-too-weak'],
    [{ kind: 'ec', namedCurve: 'P-521' }, 'public-key-algorithm-refused'],
    [{ kind: 'other', algorithm: 'Ed25519' }, 'public-key-algorithm-refused'],
  ] as const)('refuses %o', (publicKey, rule) => {
    spec.given([submitted, verified]).when(key({ publicKey })).thenFails('PolicyViolation', rule);
  });
  it.each([
    [{ kind: 'ec', namedCurve: 'P-256' }, 'ECDSA P-256'],
    [{ kind: 'ec', namedCurve: 'P-384' }, 'ECDSA P-384'],
    [{ kind: 'rsa', modulusBits: 3072, publicExponent: 65537 }, 'RSA-3072 e=65537'],
  ] as const)('accepts %o', (publicKey, keyDescription) => {
    spec.given([submitted, verified]).when(key({ publicKey })).then([{ ...keyAccepted, data: { ...keyAccepted.data, keyDescription } } as ApplicationEvent]);
  });
  it('is accepted once', () => {
    spec.given([submitted, verified, keyAccepted]).when(key()).thenFails('InvalidTransition', 'public-key-already-accepted');
  });
});

describe('issuance', () => {
  it('records what is about to be signed once the key is accepted', () => {
    spec.given([submitted, verified, keyAccepted]).when(prepareCommand).then([prepared]);
  });
  it('needs an accepted key', () => {
    spec.given([submitted, verified]).when(prepareCommand).thenFails('InvalidTransition', 'public-key-not-accepted');
  });
  it('happens at most once', () => {
    const error = spec.given([submitted, verified, keyAccepted, prepared]).when(prepareCommand).thenFails('InvalidTransition', 'already-issued');
    expect(error).toMatchObject({ conflictsWith: { serialNumber: '7F01020304050607' } });
    const issued: ApplicationEvent = { type: 'ApplicationIssued', data: { applicationId, serialNumber: '7F01020304050607', issuedAt: now.toISOString() } };
    spec.given([submitted, verified, keyAccepted, prepared]).when({ type: 'RecordIssuance', serialNumber: '7F01020304050607', now }).then([issued]);
    spec.given([submitted, verified, keyAccepted, prepared, issued]).when(prepareCommand).thenFails('InvalidTransition', 'already-issued');
    spec.given([submitted, verified, keyAccepted, prepared, issued]).when({ type: 'RecordIssuance', serialNumber: '7F01020304050607', now }).thenFails('InvalidTransition', 'already-issued');
  });
  it('records the issuance only of the prepared serial', () => {
    spec.given([submitted, verified, keyAccepted, prepared]).when({ type: 'RecordIssuance', serialNumber: '00FF', now }).thenFails('InvalidTransition', 'issuance-not-prepared');
  });
});

describe('withdrawal and rejection', () => {
  it('close an application before issuance', () => {
    spec.given([submitted, verified]).when({ type: 'Withdraw', reason: 'holder changed mind', now }).then([
      { type: 'ApplicationWithdrawn', data: { applicationId, withdrawnAt: now.toISOString(), reason: 'holder changed mind' } },
    ]);
    spec.given([submitted]).when({ type: 'Reject', reason: 'not on the register', now }).then([
      { type: 'ApplicationRejected', data: { applicationId, rejectedAt: now.toISOString(), reason: 'not on the register' } },
    ]);
  });
  it('are refused after issuance or closure', () => {
    spec.given([submitted, verified, keyAccepted, prepared]).when({ type: 'Withdraw', now }).thenFails('InvalidTransition', 'already-issued');
    const withdrawn: ApplicationEvent = { type: 'ApplicationWithdrawn', data: { applicationId, withdrawnAt: now.toISOString() } };
    spec.given([submitted, withdrawn]).when({ type: 'Reject', reason: 'x', now }).thenFails('InvalidTransition', 'application-closed');
  });
});

describe('the public-key registry', () => {
  const registry = deciderSpec(publicKeyRegistryDecider);
  const register = (id = applicationId) => ({ publicKeySha256: 'b'.repeat(64), applicationId: id, now });
  const registered = { type: 'PublicKeyRegistered' as const, data: { publicKeySha256: 'b'.repeat(64), applicationId, registeredAt: now.toISOString() } };
  it('registers a key never seen before', () => {
    registry.given([]).when(register()).then([registered]);
  });
  it('lets the same application submit its key again (a retry)', () => {
    registry.given([registered]).when(register()).then([]);
  });
  it('refuses a key seen in any earlier application', () => {
    registry.given([registered]).when(register('9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a')).thenFails('PolicyViolation', 'duplicate-public-key');
  });
});
