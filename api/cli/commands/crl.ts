import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CERTIFICATE_TYPES } from '../../../domain/application/events.js';
import type { CertificateType } from '../../../domain/ports/certificate-authority.js';
import { FileKeyStore } from '../../../infrastructure/ca/file-key-store.js';
import { systemClock } from '../../../infrastructure/clock/system-clock.js';
import type { Config } from '../../../infrastructure/config/config.js';
import { openEventStore } from '../../../infrastructure/event-store/open-event-store.js';
import { findPublishedCrl, reproduceCrl } from '../../../projections/crl/crl-reproduction.js';
import { openReadModelsFor } from '../../../projections/read-models.js';
import { CA_KEYS_DIR } from '../../compose.js';
import { UsageError, type CommandOutput } from '../command.js';

const USAGE = 'crl reproduce --number <n> [--type signing|user-authentication] [--partition full|delta|<municipality code>] [--out <file>]';

/**
 * `crl reproduce --number N`: CRL number N reproduced from the log (the read models folded first) and
 * compared with what was published: `identical` (exit 0), or what differs (exit 1). `--out` writes
 * the reproduced DER.
 */
export async function crlCommand(args: string[], config: Config): Promise<CommandOutput> {
  let options: { number: bigint; type: CertificateType; partition: string; out?: string | undefined };
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { number: { type: 'string' }, type: { type: 'string', default: 'signing' }, partition: { type: 'string', default: 'full' }, out: { type: 'string' } },
    });
    if (positionals.join(' ') !== 'reproduce') throw new Error(`usage: ${USAGE}`);
    if (values.number === undefined || !/^[1-9]\d*$/.test(values.number)) throw new Error(`--number must be a CRL number (1 or more); usage: ${USAGE}`);
    if (!(CERTIFICATE_TYPES as readonly string[]).includes(values.type)) throw new Error(`--type must be one of ${CERTIFICATE_TYPES.join(', ')}`);
    if (!/^(full|delta|\d{6})$/.test(values.partition)) throw new Error('--partition must be full, delta or a 6-digit municipality code');
    options = { number: BigInt(values.number), type: values.type as CertificateType, partition: values.partition, out: values.out };
  } catch (error) {
    throw new UsageError(`crl: ${(error as Error).message}`);
  }

  const store = await openEventStore(config, systemClock);
  const readModels = openReadModelsFor(config.dataDir, store);
  try {
    const published = await findPublishedCrl(store, options.type, options.partition, options.number);
    if (published === undefined) return { exitCode: 1, stderr: `no ${options.type} ${options.partition} CRL number ${options.number} was published` };
    await readModels.runner.catchUp();
    const reproduction = await reproduceCrl(
      { store, timeline: readModels.certificateTimeline, signer: new FileKeyStore(join(config.dataDir, CA_KEYS_DIR)), publicUrl: config.publicUrl },
      published,
    );
    if (options.out !== undefined) writeFileSync(options.out, reproduction.der);
    const { data } = published;
    const basis = reproduction.basis === 'recorded' ? `content as of position ${data.basedOnPosition ?? ''}` : `content as of position ${published.position - 1n}, assumed: this CRL predates the recorded basis`;
    const head = `${options.type} ${options.partition} CRL number ${data.crlNumber}, thisUpdate ${data.thisUpdate}, ${data.entryCount} entries, ${basis}`;
    if (reproduction.verdict === 'identical') return { exitCode: 0, stdout: `${head}\nidentical (SHA-256 ${data.sha256})` };
    if (reproduction.verdict === 'tbs-identical') {
      return { exitCode: 0, stdout: `${head}\nidentical to-be-signed bytes (SHA-256 ${data.tbsSha256}); the CA signs with ECDSA, whose signatures are not deterministic, so only the signature differs` };
    }
    return { exitCode: 1, stdout: [head, 'differs:', ...reproduction.differences.map((d) => `  ${d}`)].join('\n') };
  } finally {
    await readModels.close();
    await store.close();
  }
}
