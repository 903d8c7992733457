// Runs a converted emotion ONNX model in ONNX Runtime (npm onnxruntime-node, CPU) on raw uint8 images, with the
// preprocessing the manifest states: value = (pixel - mean[c]) / std[c], NCHW float32. Dev check only.
//
// Usage: node ort_forward.mjs ORT_NODE_MODULES MODEL.onnx IN.u8 N SIZE CHANNELS MEAN STD OUT.json
//   IN.u8     N images, SIZE x SIZE x CHANNELS, HWC uint8;  MEAN, STD: comma-separated per channel (0-255 scale)
//   OUT.json  JSON array of N arrays: the model's `probs` output
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [modules, modelPath, inPath, nText, sizeText, chText, meanText, stdText, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node ort_forward.mjs ORT_NODE_MODULES MODEL.onnx IN.u8 N SIZE CHANNELS MEAN STD OUT.json');
  process.exit(2);
}
const ort = createRequire(path.join(path.resolve(modules), 'x.js'))('onnxruntime-node');
const [n, size, ch] = [nText, sizeText, chText].map((t) => Number.parseInt(t, 10));
const mean = meanText.split(',').map(Number);
const std = stdText.split(',').map(Number);
const bytes = fs.readFileSync(inPath);
if (bytes.length !== n * size * size * ch) throw new Error(`${inPath}: ${bytes.length} bytes, expected ${n * size * size * ch}`);

const plane = size * size;
const input = new Float32Array(n * ch * plane);
for (let i = 0; i < n; i++) {
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < ch; c++) {
      // Math.fround at each step: the same float32 rounding as tf.sub then tf.div in face-api.
      const centred = Math.fround(bytes[(i * plane + p) * ch + c] - mean[c]);
      input[(i * ch + c) * plane + p] = Math.fround(centred / std[c]);
    }
  }
}
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
const result = await session.run({ input: new ort.Tensor('float32', input, [n, ch, size, size]) });
const probs = result.probs;
const k = probs.dims[1];
const out = [];
for (let i = 0; i < n; i++) out.push(Array.from(probs.data.subarray(i * k, (i + 1) * k)));
fs.writeFileSync(outPath, JSON.stringify(out));
