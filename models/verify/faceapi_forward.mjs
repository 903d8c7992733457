// Reference forward pass of the face-api.js expression net, using the package's OWN JavaScript model code and its
// bundled TensorFlow.js (CPU backend; tfjs-node's native binary cannot be downloaded here, and the bundle needs no
// npm dependencies). Used to verify models/convert/faceapi_expression.py.
//
// Usage: node faceapi_forward.mjs MODEL_DIR IN.u8 N OUT.json
//   MODEL_DIR  folder with face_expression_model-weights_manifest.json + face_expression_model.bin
//   IN.u8      N raw RGB images, 112x112, HWC uint8 (N*112*112*3 bytes)
//   OUT.json   written: JSON array of N arrays of 7 probabilities, face-api label order
//              neutral, happy, sad, angry, fearful, disgusted, surprised
//
// Where the package comes from: env FACEAPI_PKG (a folder holding dist/face-api.esm.js), else
// $FACEASPIRE_MODEL_CACHE (default models/cache)/npm/face-api-1.7.15/package. When that is missing it is fetched
// with `npm pack @vladmandic/face-api@1.7.15` and extracted with tar: npm pack never runs install scripts, which is
// what `npm install --ignore-scripts` would also guarantee, without creating a node_modules tree.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SIZE = 112;
const here = path.dirname(fileURLToPath(import.meta.url));

function packageDir() {
  if (process.env.FACEAPI_PKG) return process.env.FACEAPI_PKG;
  const cache = process.env.FACEASPIRE_MODEL_CACHE || path.join(here, '..', 'cache');
  const root = path.join(cache, 'npm', 'face-api-1.7.15');
  const pkg = path.join(root, 'package');
  if (!fs.existsSync(path.join(pkg, 'dist', 'face-api.esm.js'))) {
    fs.mkdirSync(root, { recursive: true });
    const tgz = execFileSync('npm', ['pack', '--silent', '@vladmandic/face-api@1.7.15', '--pack-destination', root],
      { encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['xzf', path.join(root, tgz), '-C', root]);
    fs.rmSync(path.join(root, tgz));
  }
  return pkg;
}

async function main() {
  const [modelDir, inPath, nText, outPath] = process.argv.slice(2);
  if (!outPath) {
    console.error('usage: node faceapi_forward.mjs MODEL_DIR IN.u8 N OUT.json');
    process.exit(2);
  }
  const n = Number.parseInt(nText, 10);
  const bytes = fs.readFileSync(inPath);
  if (!(n > 0) || bytes.length !== n * SIZE * SIZE * 3) {
    throw new Error(`${inPath}: ${bytes.length} bytes, expected N*${SIZE}*${SIZE}*3 with N=${nText}`);
  }

  // The browser bundle picks its platform from these globals; without them it takes a Node path that needs
  // util.TextEncoder through a require() shim that an ES module does not have.
  globalThis.window = globalThis;
  globalThis.document = { createElement: () => ({ getContext: () => null }) };
  const faceapi = await import(pathToFileURL(path.join(packageDir(), 'dist', 'face-api.esm.js')).href);
  const { tf } = faceapi;
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs cpu backend failed to initialise');
  await tf.ready();

  // The package's own loader path: tf.io.decodeWeights dequantises (q * scale + min), then loadFromWeightMap.
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'face_expression_model-weights_manifest.json')));
  const bin = fs.readFileSync(path.join(modelDir, 'face_expression_model.bin'));
  const specs = manifest.flatMap((g) => g.weights);
  const weightMap = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), specs);
  const net = new faceapi.FaceExpressionNet();
  net.loadFromWeightMap(weightMap);

  const results = [];
  const batch = 32;
  for (let start = 0; start < n; start += batch) {
    const count = Math.min(batch, n - start);
    const images = [];
    for (let i = 0; i < count; i++) {
      const offset = (start + i) * SIZE * SIZE * 3;
      images.push(tf.tensor3d(Int32Array.from(bytes.subarray(offset, offset + SIZE * SIZE * 3)), [SIZE, SIZE, 3], 'int32'));
    }
    // An array input makes face-api treat it as a batch: toBatchTensor(112) (no resize at 112x112), normalize(),
    // div(255), feature extractor, fc, softmax -- all the package's code.
    const probs = await net.forward(images);
    const data = await probs.data();
    for (let i = 0; i < count; i++) results.push(Array.from(data.subarray(i * 7, i * 7 + 7)));
    probs.dispose();
    images.forEach((t) => t.dispose());
  }
  fs.writeFileSync(outPath, JSON.stringify(results));
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
