/**
 * `npx tsx scripts/make-icons.ts`: draws the app's icons (three rising bars on a blue tile) as
 * PNG files and favicon.ico, with no image library: a few rectangles, 4x4 supersampled.
 * Writes app/favicon.ico, app/apple-icon.png, public/icon-192.png, public/icon-512.png;
 * app/icon.svg is the same drawing by hand. Run again only when the drawing changes.
 */
import { writeFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";

type Shape = { x: number; y: number; w: number; h: number; r: number; rgb: [number, number, number] };
const BLUE: [number, number, number] = [0x1d, 0x4e, 0xd8];
const WHITE: [number, number, number] = [0xff, 0xff, 0xff];

/** The drawing on a 64-unit grid (as app/icon.svg). `tile` false: full-bleed (iOS rounds it itself). */
function shapes(tile: boolean): Shape[] {
  return [
    { x: 0, y: 0, w: 64, h: 64, r: tile ? 14 : 0, rgb: BLUE },
    { x: 14, y: 34, w: 9, h: 16, r: 2, rgb: WHITE },
    { x: 27.5, y: 24, w: 9, h: 26, r: 2, rgb: WHITE },
    { x: 41, y: 14, w: 9, h: 36, r: 2, rgb: WHITE },
  ];
}

function inside(s: Shape, x: number, y: number): boolean {
  if (x < s.x || y < s.y || x > s.x + s.w || y > s.y + s.h) return false;
  const cx = Math.min(Math.max(x, s.x + s.r), s.x + s.w - s.r);
  const cy = Math.min(Math.max(y, s.y + s.r), s.y + s.h - s.r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= s.r ** 2;
}

function render(size: number, tile: boolean): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  const n = 4;
  const list = shapes(tile);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = ((px + (sx + 0.5) / n) * 64) / size;
          const y = ((py + (sy + 0.5) / n) * 64) / size;
          let hit: Shape | undefined;
          for (const s of list) if (inside(s, x, y)) hit = s;
          if (hit) {
            r += hit.rgb[0]; g += hit.rgb[1]; b += hit.rgb[2]; a += 255;
          }
        }
      }
      const samples = n * n;
      const covered = a / 255;
      const o = (py * size + px) * 4;
      rgba[o] = covered ? Math.round(r / covered) : 0;
      rgba[o + 1] = covered ? Math.round(g / covered) : 0;
      rgba[o + 2] = covered ? Math.round(b / covered) : 0;
      rgba[o + 3] = Math.round(a / samples);
    }
  }
  return png(size, rgba);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function png(size: number, rgba: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

/** An ICO holding PNG images (every browser since IE 9 reads these). */
function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + images.length * 16);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((img, i) => {
    const e = 6 + i * 16;
    header.writeUInt8(img.size >= 256 ? 0 : img.size, e);
    header.writeUInt8(img.size >= 256 ? 0 : img.size, e + 1);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(img.data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += img.data.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.data)]);
}

writeFileSync("app/favicon.ico", ico([16, 32, 48].map((size) => ({ size, data: render(size, true) }))));
writeFileSync("app/apple-icon.png", render(180, false));
writeFileSync("public/icon-192.png", render(192, true));
writeFileSync("public/icon-512.png", render(512, true));
console.log("Wrote app/favicon.ico, app/apple-icon.png, public/icon-192.png, public/icon-512.png");
