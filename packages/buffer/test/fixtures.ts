// Functions run in worker threads by the tests: the package must load there from its TypeScript
// sources (Node's type stripping), so it may use erasable syntax only.
import { OwnedBuffer, WatermarkBuffer } from '@nuncio/buffer';

export function roundTrip(parts: string[]): { text: string; slices: number; crossings: number } {
  let crossings = 0;
  const watched = new WatermarkBuffer(
    {
      onAboveHighWatermark: () => crossings++,
      onBelowLowWatermark: () => crossings++,
    },
    { highWatermark: 4 },
  );
  for (const part of parts) watched.add(part);
  const buffer = new OwnedBuffer();
  buffer.move(watched);
  return { text: buffer.toString(), slices: buffer.sliceCount, crossings };
}
