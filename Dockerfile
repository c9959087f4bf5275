# The dynamind environment server: Sokoban, ALFWorld and android-web (Debian's Chromium) on port 50051.
#   docker build -t dynamind .
#   docker run --rm -p 50051:50051 dynamind
# See docs/container.md. The image runs as an unprivileged user and checks itself through the gRPC health service.
FROM node:20-bookworm-slim

# chromium: the browser-hosted Android device (puppeteer-core drives /usr/bin/chromium; nothing is downloaded).
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium ca-certificates fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g npm@11 \
 && groupadd --system dynamind && useradd --system --gid dynamind --create-home --home-dir /home/dynamind dynamind

WORKDIR /app
# npm install runs the "prepare" script (the TypeScript build), so the sources come first.
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin bin
COPY proto proto
COPY gen gen
COPY adapters adapters
COPY agent agent
COPY cli cli
COPY emulator emulator
COPY env-server env-server
# The build also compiles the client workspace (package.json "workspaces"), so npm install needs it.
COPY packages packages
COPY scripts/healthcheck.mjs scripts/healthcheck.mjs
# The optional native TensorFlow packages are for training on a GPU, not for serving environments.
RUN npm install --no-audit --no-fund --omit=optional \
 && npm prune --omit=dev --omit=optional \
 && npm cache clean --force \
 && chown -R root:root /app

USER dynamind
ENV NODE_ENV=production DYNAMIND_CHROMIUM=/usr/bin/chromium
EXPOSE 50051 9464
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["node", "scripts/healthcheck.mjs", "127.0.0.1:50051"]
ENTRYPOINT ["node", "bin/dynamind.js", "serve"]
CMD ["--host", "0.0.0.0", "--port", "50051", "--metrics-port", "9464"]
