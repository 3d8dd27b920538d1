/**
 * Builds gpu-probe/: the GPU probe (src/cli/gpu-probe.ts) as one JavaScript file with
 * TensorFlow.js and our training code inside, plus the two binaries it loads at run time: Dawn
 * (the `webgpu` package's linux-x64 dawn.node) and the TensorFlow.js WASM kernels. About 27 MB,
 * for a GPU machine that reaches no package registry: copy the repository with gpu-probe/ and run
 * `sh gpu-probe/run.sh` in its root.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'gpu-probe');
const require = createRequire(import.meta.url);

await rm(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { probe: 'src/cli/gpu-probe.ts' },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dawn is a native addon: it stays a package beside the bundle.
  external: ['webgpu'],
  // CommonJS packages inside an ES module bundle still call require and read __dirname.
  banner: {
    js: [
      "import { createRequire as __probeRequire } from 'node:module';",
      "import { fileURLToPath as __probePath } from 'node:url';",
      'const require = __probeRequire(import.meta.url);',
      'const __filename = __probePath(import.meta.url);',
      "const __dirname = __probePath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'warning',
});

const webgpu = path.dirname(require.resolve('webgpu/package.json'));
const dawnTarget = path.join(out, 'node_modules', 'webgpu');
await mkdir(path.join(dawnTarget, 'dist', 'linux-x64'), { recursive: true });
for (const file of ['package.json', 'index.js', 'LICENSE.md', 'dist/linux-x64/dawn.node'])
  await cp(path.join(webgpu, file), path.join(dawnTarget, file));

// The WASM backend finds its .wasm files beside the package it resolves (src/ml/backend.ts): the
// bundle holds its code, so the package here is its binaries and an entry to resolve.
const wasm = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const wasmTarget = path.join(out, 'node_modules', '@tensorflow', 'tfjs-backend-wasm');
await mkdir(path.join(wasmTarget, 'dist'), { recursive: true });
for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'])
  await cp(path.join(wasm, 'dist', file), path.join(wasmTarget, 'dist', file));
await writeFile(
  path.join(wasmTarget, 'package.json'),
  JSON.stringify({ name: '@tensorflow/tfjs-backend-wasm', main: 'dist/index.js' }),
);
await writeFile(
  path.join(wasmTarget, 'dist', 'index.js'),
  '// The code is in probe.mjs; this directory holds the binaries.\n',
);
await cp(path.join(root, 'scripts', 'gpu-probe.sh'), path.join(out, 'run.sh'));

// Dawn needs the Vulkan loader, which GPU containers often lack: VULKAN_LOADER names a
// libvulkan.so.1 to carry (e.g. extracted from Debian's libvulkan1 package); run.sh uses it
// only where the machine has none of its own.
if (process.env.VULKAN_LOADER) {
  await mkdir(path.join(out, 'lib'), { recursive: true });
  await cp(process.env.VULKAN_LOADER, path.join(out, 'lib', 'libvulkan.so.1'));
}
console.log(`built ${path.relative(root, out)}/`);
