# finnet-mock as a container: the Finpay gateway simulator for CI services and docker compose.
#
#   docker build -t finnet-mock .
#   docker run --rm -p 4000:4000 finnet-mock
#
# Settings are the usual env vars (PORT, FINNET_MOCK_PUBLIC_URL, FINNET_MOCK_MERCHANTS, FINNET_MOCK_SEED,
# FINNET_MOCK_DB, FINNET_MOCK_SCENARIOS, LOG_LEVEL). Data lives in the /app/data volume; mount your own
# scenario files (e.g. at /app/scenarios, or elsewhere with FINNET_MOCK_SCENARIOS).

# ---- build: compile the TypeScript -------------------------------------------------------------
FROM node:20-bookworm-slim AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# Dependencies first, so that a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# `npm run build` is what the `prepare` script runs on a plain `npm ci`.
RUN npm run build

# ---- runtime: production dependencies, compiled code and assets only ---------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    FINNET_MOCK_DB=/app/data/finnet-mock.json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier --cache /tmp/npm-cache \
 && rm -rf /tmp/npm-cache
# The ESM build only: dist/cjs is the CommonJS copy for require() and jest, which the server never loads.
COPY --from=build /app/dist/server ./dist/server
COPY --from=build /app/schemas ./schemas
COPY --from=build /app/views ./views
COPY --from=build /app/public ./public
COPY --from=build /app/scenarios ./scenarios
# The default (public) RSA key that signs the callbacks' x-signature.
COPY --from=build /app/keys ./keys
# The data file is written atomically (temp file + rename in the same folder): the folder itself must
# belong to the user the server runs as.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME /app/data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/_mock/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (finishes in-flight requests, flushes the data file, exits).
CMD ["node", "dist/server/cli.js"]
