import { describe, expect, it } from 'vitest';
import { decodeBlurhash, isValidBlurhash } from './blurhash';

// Made by the server's encoder (the Python `blurhash` package) from a picture blue on the left
// and red on the right; the expected pixels are that package's own decoding at 4 x 1.
const BLUE_THEN_RED = 'L^G;#w6;Ws$0o3a~fQjsfQfQfQfQ';

describe('blurhash', () => {
  it('decodes to the same pixels as the server-side reference decoder', () => {
    const pixels = decodeBlurhash(BLUE_THEN_RED, 4, 1);
    expect(Array.from(pixels ?? [])).toEqual([72, 41, 229, 255, 0, 40, 237, 255, 157, 35, 157, 255, 216, 30, 0, 255]);
  });

  it.each([[''], ['abc'], ['L^G;#w6;Ws$0o3a~fQjsfQfQfQf'], ['L^G;#w6;Ws$0o3a~fQjsfQfQfQ f'], [null]])(
    'refuses %j, which is not a blurhash',
    (hash) => {
      expect(isValidBlurhash(hash)).toBe(false);
      if (hash !== null) expect(decodeBlurhash(hash, 4, 4)).toBeNull();
    },
  );
});
