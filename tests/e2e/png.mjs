// The README's screenshot stays the app's current screen: a small PNG reader (8-bit RGB/RGBA, not interlaced, as
// WebDriver's screenshots are) and the share of pixels two screenshots differ in. Node's own zlib, no package.
import { inflateSync } from "node:zlib";

/** Decodes a PNG into { width, height, channels, data } (one byte per channel, rows without filter bytes). */
export function decodePng(buf) {
  let at = 8;
  let width = 0, height = 0, channels = 0;
  const idat = [];
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString("latin1", at + 4, at + 8);
    const body = buf.subarray(at + 8, at + 8 + len);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, color, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || interlace !== 0 || (color !== 2 && color !== 6)) throw new Error("unsupported PNG");
      channels = color === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(body);
    at += 12 + len;
  }
  return { width, height, channels, data: unfilter(inflateSync(Buffer.concat(idat)), width, height, channels) };
}

/** Undoes PNG's per-row filters (none, sub, up, average, Paeth). */
function unfilter(raw, width, height, bpp) {
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[y * stride + x - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0;
      out[y * stride + x] = (row[x] + predict(filter, a, b, c)) & 0xff;
    }
  }
  return out;
}

function predict(filter, a, b, c) {
  if (filter === 1) return a;
  if (filter === 2) return b;
  if (filter === 3) return (a + b) >> 1;
  if (filter === 4) {
    const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }
  return 0;
}

/** The share (0..1) of pixels whose colour differs visibly; 1 when the sizes differ. */
export function differingShare(pngA, pngB) {
  const a = decodePng(pngA), b = decodePng(pngB);
  if (a.width !== b.width || a.height !== b.height) return 1;
  let differing = 0;
  for (let i = 0; i < a.width * a.height; i++) {
    for (let ch = 0; ch < 3; ch++) {
      if (Math.abs(a.data[i * a.channels + ch] - b.data[i * b.channels + ch]) > 24) {
        differing++;
        break;
      }
    }
  }
  return differing / (a.width * a.height);
}
