#!/usr/bin/env node
// Writes the fini-mcp icon (a white "F" on a teal rounded square) as a PNG, with no dependencies,
// so the committed packaging/icon.png can be regenerated and checked: node gen-icon.mjs OUT [SIZE].
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const out = process.argv[2] ?? "icon.png";
const size = Number(process.argv[3] ?? 512);

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

// Coverage of pixel (x, y) by the shape, sampled 4x4 for smooth edges.
function inside(u, v) {
  const r = 0.2; // corner radius, fraction of the side
  const cx = Math.min(Math.max(u, r), 1 - r), cy = Math.min(Math.max(v, r), 1 - r);
  return (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
}
function inGlyph(u, v) {
  const stem = u >= 0.3 && u <= 0.42 && v >= 0.22 && v <= 0.78;
  const top = u >= 0.3 && u <= 0.72 && v >= 0.22 && v <= 0.34;
  const mid = u >= 0.3 && u <= 0.64 && v >= 0.45 && v <= 0.56;
  const dot = (u - 0.68) ** 2 + (v - 0.72) ** 2 <= 0.065 ** 2; // a chat "bubble" dot
  return stem || top || mid || dot;
}

const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) {
  raw[y * (size * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < size; x++) {
    let bg = 0, fg = 0;
    for (let sy = 0; sy < 4; sy++)
      for (let sx = 0; sx < 4; sx++) {
        const u = (x + (sx + 0.5) / 4) / size, v = (y + (sy + 0.5) / 4) / size;
        if (inside(u, v)) (inGlyph(u, v) ? fg++ : bg++);
      }
    const a = (bg + fg) / 16, f = bg + fg ? fg / (bg + fg) : 0;
    const t = y / size; // vertical gradient teal -> deep teal
    const base = [Math.round(16 + 10 * t), Math.round(148 - 40 * t), Math.round(136 - 30 * t)];
    const px = base.map((c) => Math.round(c + (255 - c) * f));
    const o = y * (size * 4 + 1) + 1 + x * 4;
    raw[o] = px[0]; raw[o + 1] = px[1]; raw[o + 2] = px[2]; raw[o + 3] = Math.round(255 * a);
  }
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(size, 0);
ihdr.writeUInt32BE(size, 4);
ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", ihdr),
  chunk("IDAT", deflateSync(raw, { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);
writeFileSync(out, png);
