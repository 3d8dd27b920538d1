# syntax=docker/dockerfile:1
# Images for the API and the workers. Build:
#   docker build --target runtime -t maas .              # API and CPU workers
#   docker build --target gpu-worker -t maas-gpu-worker . # workers training on the GPU through WebGPU
# The images run node directly under tini as PID 1: SIGTERM from `docker stop` or Kubernetes
# reaches the service, which drains requests and checkpoints training before it exits, and the
# training child processes of a worker are reaped.

ARG NODE_VERSION=20.19.5

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages ./packages
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY console ./console
COPY examples ./examples
COPY openapi.yaml ./
# Test and lint tooling stay out of the runtime image; the service is compiled to dist/ (esbuild
# is a dependency) after the prune, and the images start dist/ directly.
RUN npm prune --omit=dev --no-audit --no-fund && npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
# Every image runs as uid 1000 (`node`), so a volume one writes, the others can write too.
ENV NODE_ENV=production ARTIFACT_DIR=/var/lib/maas HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /var/lib/maas && chown node:node /var/lib/maas
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# The API; workers run `node dist/worker.js`, migrations `node dist/migrate.js`.
CMD ["node", "--max-semi-space-size=32", "--min-semi-space-size=32", "--expose-gc", "dist/serve.js"]

# A worker training on the GPU through WebGPU (Dawn, from the optional webgpu package, already in
# the runtime image). Dawn reaches the GPU through Vulkan: the loader comes from Debian, the
# driver's Vulkan part from the NVIDIA Container Toolkit when the graphics capability is asked for.
# No CUDA image is needed.
FROM runtime AS gpu-worker
USER root
RUN apt-get update && apt-get install -y --no-install-recommends libvulkan1 && rm -rf /var/lib/apt/lists/*
USER node
ENV TF_BACKEND=webgpu NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics
HEALTHCHECK NONE
CMD ["node", "dist/worker.js"]
