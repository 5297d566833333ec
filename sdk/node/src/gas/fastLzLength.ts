/**
 * Length of the FastLZ (level 1) compression of `data`, computed without producing the output:
 * the size estimate the OP stack's Fjord L1 fee uses (op-geth `FlzCompressLen`, Solady's
 * `LibZip.flzCompress` in the GasPriceOracle). A hash table of the last position of every
 * 3-byte sequence finds matches up to 8191 bytes back; literals cost 1 byte per run of up
 * to 32 plus the bytes, a match 2 or 3 bytes per 262-byte chunk.
 *
 * @example
 * fastLzLength(new Uint8Array(1000)); // a long zero run compresses to a few bytes
 */
export function fastLzLength(data: Uint8Array): number {
  const ib = data;
  let n = 0;
  const ht = new Uint32Array(8192);
  const u24 = (i: number) => ib[i] | (ib[i + 1] << 8) | (ib[i + 2] << 16);
  const hash = (v: number) => (Math.imul(2654435769, v) >>> 19) & 0x1fff;
  const literals = (r: number) => {
    n += 0x21 * Math.floor(r / 0x20);
    r %= 0x20;
    if (r !== 0) n += r + 1;
  };
  const match = (l: number) => {
    l--;
    n += 3 * Math.floor(l / 262);
    n += l % 262 >= 6 ? 3 : 2;
  };
  /** Length of the common run at p and q, stopping before `end` (one past a mismatch). */
  const cmp = (p: number, q: number, end: number) => {
    let l = 0;
    for (let e = end - q; l < e; l++) if (ib[p + l] !== ib[q + l]) e = 0;
    return l;
  };
  const setNextHash = (ip: number) => {
    ht[hash(u24(ip))] = ip;
    return ip + 1;
  };
  let a = 0;
  const ipLimit = ib.length < 13 ? 0 : ib.length - 13;
  for (let ip = a + 2; ip < ipLimit;) {
    let r = 0;
    for (;;) {
      const s = u24(ip);
      const h = hash(s);
      r = ht[h];
      ht[h] = ip;
      const d = ip - r;
      if (ip >= ipLimit) break;
      ip++;
      if (d <= 0x1fff && s === u24(r)) break;
    }
    if (ip >= ipLimit) break;
    ip--;
    if (ip > a) literals(ip - a);
    const l = cmp(r + 3, ip + 3, ipLimit + 9);
    match(l);
    ip = setNextHash(setNextHash(ip + l));
    a = ip;
  }
  literals(ib.length - a);
  return n;
}
