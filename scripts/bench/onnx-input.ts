/**
 * Bench input (f): an ONNX model with `initializerBytes` of FLOAT initializers stored inline as raw_data
 * (32 MiB each, as a large model saved without external data), written streaming: the graph's length is
 * computed first, then headers and zero payloads are written in 4 MiB pieces, never the whole file.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { pb, varintBytes } from "../../test/writers/protobuf.js";

const CHUNK = 32 * 1024 * 1024;
const WRITE_PIECE = 4 * 1024 * 1024;
const FLOAT = 1;

export function writeLargeOnnx(path: string, initializerBytes: number): void {
  const sizes: number[] = [];
  for (let left = Math.floor(initializerBytes / 4) * 4; left > 0; left -= CHUNK)
    sizes.push(Math.min(CHUNK, left));

  // A chain input -> Add(w0) -> Add(w1) -> ... -> output, one node per initializer.
  const nodes = pb();
  sizes.forEach((_, i) => {
    const input = i === 0 ? "input" : `/layers.${i - 1}/Add_output_0`;
    const output = i === sizes.length - 1 ? "output" : `/layers.${i}/Add_output_0`;
    nodes.len(
      1,
      pb().len(1, input).len(1, `layers.${i}.weight`).len(2, output).len(3, `/layers.${i}/Add`).len(4, "Add"),
    );
  });
  const nodeBytes = nodes.bytes();
  const tensorHeads = sizes.map((size, i) =>
    pb()
      .varint(1, size / 4)
      .varint(2, FLOAT)
      .len(8, `layers.${i}.weight`)
      .bytes(),
  );
  const valueInfo = (name: string, n: number) =>
    pb()
      .len(1, name)
      .len(
        2,
        pb().len(
          1,
          pb()
            .varint(1, FLOAT)
            .len(2, pb().len(1, pb().varint(1, n))),
        ),
      );
  const width = (sizes[0] ?? 4) / 4;
  const tail = pb()
    .len(2, "main_graph")
    .len(11, valueInfo("input", width))
    .len(12, valueInfo("output", width))
    .bytes();

  // raw_data (field 9) tag, its length, its bytes; the TensorProto around it; the graph field around all.
  const rawHead = (size: number) => Uint8Array.from([0x4a, ...varintBytes(size)]);
  const tensorLength = (i: number) => tensorHeads[i]!.length + rawHead(sizes[i]!).length + sizes[i]!;
  let graphLength = nodeBytes.length + tail.length;
  sizes.forEach((_, i) => {
    const n = tensorLength(i);
    graphLength += 1 + varintBytes(n).length + n;
  });

  const fd = openSync(path, "w");
  // writeSync may write less than asked: loop until each piece is out.
  const put = (b: Uint8Array) => {
    for (let done = 0; done < b.length; ) done += writeSync(fd, b, done, b.length - done);
  };
  try {
    const head = pb().varint(1, 8).len(2, "pytorch").len(3, "2.1.0").bytes();
    put(head);
    put(Uint8Array.from([0x3a, ...varintBytes(graphLength)]));
    put(nodeBytes);
    const zeros = new Uint8Array(WRITE_PIECE);
    sizes.forEach((size, i) => {
      put(Uint8Array.from([0x2a, ...varintBytes(tensorLength(i))]));
      put(tensorHeads[i]!);
      put(rawHead(size));
      for (let left = size; left > 0; left -= WRITE_PIECE)
        put(zeros.subarray(0, Math.min(WRITE_PIECE, left)));
    });
    put(tail);
    put(pb().len(8, pb().len(1, "").varint(2, 17)).bytes());
  } finally {
    closeSync(fd);
  }
}
