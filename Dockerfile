# syntax=docker/dockerfile:1
# Images for the API and the workers. Build:
#   docker build --target runtime -t maas .              # API + CPU workers (tfjs-node when its download works)
#   docker build --target gpu-worker -t maas-gpu-worker . # CUDA worker with @tensorflow/tfjs-node-gpu
# The TensorFlow.js native packages are optionalDependencies: their install scripts download
# libtensorflow, which works here (build machines reach the internet) and falls back to WASM
# at run time when it does not.

ARG NODE_VERSION=20.19.5

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY console ./console
COPY examples ./examples
COPY openapi.yaml ./
# Test and lint tooling stay out of the runtime image. Then the service is compiled (esbuild is
# a dependency), after the prune, so the npm commands find dist/ current and start it directly.
RUN npm prune --omit=dev --no-audit --no-fund && npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production ARTIFACT_DIR=/var/lib/maas HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /var/lib/maas && chown node:node /var/lib/maas
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["npm", "run", "serve"]

# tfjs-node-gpu 4.22 links libtensorflow 2.9.1, built for CUDA 11.2 and cuDNN 8.1.
FROM nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04 AS gpu-worker
ARG NODE_VERSION
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl xz-utils python3 make g++ \
  && curl -fsSL "https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz" | tar -xJ -C /usr/local --strip-components=1 \
  && apt-get purge -y curl xz-utils && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 maas && mkdir -p /var/lib/maas && chown maas:maas /var/lib/maas
WORKDIR /app
COPY --chown=maas:maas package.json package-lock.json prisma.config.ts tsconfig.json openapi.yaml ./
COPY --chown=maas:maas scripts ./scripts
COPY --chown=maas:maas prisma ./prisma
USER maas
RUN npm ci --no-audit --no-fund && node -e "require('@tensorflow/tfjs-node-gpu')"
COPY --chown=maas:maas src ./src
COPY --chown=maas:maas console ./console
RUN npm prune --omit=dev --no-audit --no-fund && npm run build
ENV NODE_ENV=production ARTIFACT_DIR=/var/lib/maas TF_BACKEND=tensorflow
CMD ["npm", "run", "worker"]
