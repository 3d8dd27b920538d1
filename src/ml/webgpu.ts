import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from './tfjs.ts';

/**
 * TensorFlow.js on WebGPU in Node: Dawn (Chromium's WebGPU implementation) as a native addon from
 * the optional `webgpu` package, under `@tensorflow/tfjs-backend-webgpu`. Dawn drives the GPU
 * through Vulkan, so it needs the GPU's Vulkan driver; where none answers, there is no adapter and
 * the caller falls back to another backend.
 */

/** What the worker logs and a version records about the GPU it trained on. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The limits that bound the tensors a kernel can take. */
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
  };
}

export type WebGpuOpening = { adapter: GpuAdapterSummary } | { unavailable: string };

let opening: Promise<WebGpuOpening> | undefined;

/**
 * Finds a GPU adapter and registers the `webgpu` backend on it, once per process. Never throws:
 * a missing package, a missing Vulkan loader or driver, or a device that cannot be created all
 * answer `unavailable` with the reason.
 */
export function openWebGpu(): Promise<WebGpuOpening> {
  opening ??= open().catch((error: unknown) => ({ unavailable: firstLine(error) }));
  return opening;
}

async function open(): Promise<WebGpuOpening> {
  // Without the loader Dawn finds nothing, after loading 20 MB and printing a warning on stderr
  // of every training process: looked for first, so machines without a GPU stay quiet.
  if (process.platform === 'linux' && !vulkanLoaderPresent()) {
    return { unavailable: 'no Vulkan loader (libvulkan.so.1) on this machine' };
  }
  // Optional dependency: absent on platforms the package has no binary for.
  const dawn = (await import('webgpu')) as {
    create(flags: string[]): GPU;
    globals: Record<string, unknown>;
  };
  // The backend's shaders name GPUBufferUsage and friends as globals, as in a browser.
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    return {
      unavailable: 'Dawn found no GPU adapter (it needs the GPU vendor’s Vulkan driver and libvulkan.so.1)',
    };
  }
  // A software rasteriser (SwiftShader, llvmpipe) would be slower than WASM on the same CPU.
  if (adapter.info.isFallbackAdapter || /swiftshader|llvmpipe/i.test(adapter.info.description)) {
    return { unavailable: `only a software adapter (${adapter.info.description || 'fallback'})` };
  }
  const limits = adapter.limits;
  // The same limits tfjs-backend-webgpu asks for in a browser: without them large tensors fail.
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  // The backend checks for navigator.gpu as a browser would; Node 20 has no navigator at all.
  const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: GPU };
  if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // Registered on our device rather than by the package's own factory, which would request a
  // second adapter and hide why it failed.
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info), 3);
  return {
    adapter: {
      vendor: adapter.info.vendor,
      architecture: adapter.info.architecture,
      device: adapter.info.device,
      description: adapter.info.description,
      limits: {
        maxBufferSize: limits.maxBufferSize,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    },
  };
}

/** `nvidia hopper (NVIDIA H200)`: the adapter in a few words, for logs and version records. */
export function adapterLabel(adapter: GpuAdapterSummary): string {
  const name = [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'unknown GPU';
  const detail = adapter.description || adapter.device;
  return detail ? `${name} (${detail})` : name;
}

const LIBRARY_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib64',
  '/lib',
];

/** Where the dynamic linker would find libvulkan.so.1: LD_LIBRARY_PATH, the usual directories, its cache. */
function vulkanLoaderPresent(): boolean {
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIBRARY_DIRS];
  if (dirs.some((dir) => existsSync(path.join(dir, 'libvulkan.so.1')))) return true;
  // ldconfig lives in /sbin, which a non-root PATH often lacks.
  for (const ldconfig of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    try {
      const cache = execFileSync(ldconfig, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return cache.includes('libvulkan.so.1');
    } catch {
      // Not there: the next one.
    }
  }
  return false;
}

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
}
