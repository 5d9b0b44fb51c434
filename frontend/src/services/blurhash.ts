/**
 * Blurhash decoding (the published algorithm, https://blurha.sh): the few dozen characters in
 * `media_metadata.blurhash` become a small RGBA picture, painted blurred and stretched while the
 * real picture loads.
 */

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';

function decode83(text: string): number {
  let value = 0;
  for (const character of text) {
    const digit = DIGITS.indexOf(character);
    if (digit < 0) return Number.NaN;
    value = value * 83 + digit;
  }
  return value;
}

function toLinear(value: number): number {
  const v = value / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function toSrgb(value: number): number {
  const v = Math.max(0, Math.min(1, value));
  return v <= 0.0031308 ? Math.trunc(v * 12.92 * 255 + 0.5) : Math.trunc((1.055 * v ** (1 / 2.4) - 0.055) * 255 + 0.5);
}

function signedPow(value: number, exponent: number): number {
  return Math.sign(value) * Math.abs(value) ** exponent;
}

/** Whether the text is a blurhash this decoder can read (its length matches the component counts it declares). */
export function isValidBlurhash(hash: string | null | undefined): hash is string {
  if (!hash || hash.length < 6) return false;
  const size = decode83(hash[0] ?? '');
  if (!Number.isFinite(size)) return false;
  const componentsY = Math.floor(size / 9) + 1;
  const componentsX = (size % 9) + 1;
  return hash.length === 4 + 2 * componentsX * componentsY && Number.isFinite(decode83(hash));
}

/** width x height RGBA pixels of the blurhash; null when it cannot be read. */
export function decodeBlurhash(hash: string, width: number, height: number): Uint8ClampedArray | null {
  if (!isValidBlurhash(hash) || width <= 0 || height <= 0) return null;
  const size = decode83(hash[0] ?? '');
  const componentsY = Math.floor(size / 9) + 1;
  const componentsX = (size % 9) + 1;
  const maximum = (decode83(hash[1] ?? '') + 1) / 166;
  const colors: [number, number, number][] = [];
  for (let index = 0; index < componentsX * componentsY; index += 1) {
    if (index === 0) {
      const value = decode83(hash.slice(2, 6));
      colors.push([toLinear(value >> 16), toLinear((value >> 8) & 255), toLinear(value & 255)]);
    } else {
      const value = decode83(hash.slice(4 + index * 2, 6 + index * 2));
      colors.push([
        signedPow((Math.floor(value / (19 * 19)) - 9) / 9, 2) * maximum,
        signedPow(((Math.floor(value / 19) % 19) - 9) / 9, 2) * maximum,
        signedPow(((value % 19) - 9) / 9, 2) * maximum,
      ]);
    }
  }
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let j = 0; j < componentsY; j += 1) {
        for (let i = 0; i < componentsX; i += 1) {
          const basis = Math.cos((Math.PI * x * i) / width) * Math.cos((Math.PI * y * j) / height);
          const color = colors[i + j * componentsX] as [number, number, number];
          r += color[0] * basis;
          g += color[1] * basis;
          b += color[2] * basis;
        }
      }
      const offset = 4 * (x + y * width);
      pixels[offset] = toSrgb(r);
      pixels[offset + 1] = toSrgb(g);
      pixels[offset + 2] = toSrgb(b);
      pixels[offset + 3] = 255;
    }
  }
  return pixels;
}

/** How many pixels a placeholder is decoded at along its long edge: it is shown blurred and stretched anyway. */
const PLACEHOLDER_EDGE = 32;

/**
 * The blurhash as a PNG data URL of the picture's aspect ratio, for an <img> background; null
 * when it cannot be read or the browser has no 2D canvas.
 */
export function blurhashDataUrl(hash: string | null | undefined, aspectRatio = 1): string | null {
  if (!isValidBlurhash(hash)) return null;
  const ratio = Number.isFinite(aspectRatio) && aspectRatio > 0 ? aspectRatio : 1;
  const width = ratio >= 1 ? PLACEHOLDER_EDGE : Math.max(1, Math.round(PLACEHOLDER_EDGE * ratio));
  const height = ratio >= 1 ? Math.max(1, Math.round(PLACEHOLDER_EDGE / ratio)) : PLACEHOLDER_EDGE;
  const pixels = decodeBlurhash(hash, width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  let context: CanvasRenderingContext2D | null = null;
  try {
    context = canvas.getContext('2d');
  } catch {
    return null;
  }
  if (!context || !pixels) return null;
  const image = context.createImageData(width, height);
  image.data.set(pixels);
  context.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png');
}
