/** PEM armour for base64 DER (RFC 7468): 64-character lines. */
export function toPem(label: string, base64Der: string): string {
  const lines = base64Der.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
