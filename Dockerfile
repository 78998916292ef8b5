# syntax=docker/dockerfile:1
# HandMark for an on-premise install (docker-compose.yml runs it beside PostgreSQL 16; see the README).
# Stage "build" compiles the server and the web app with the full toolchain; the runtime image has
# only the production dependencies, dist/ and web/dist/, and runs as the unprivileged "node" user.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# npm 11 honours package.json "allowScripts" (node:20 ships npm 10, which runs every install script).
RUN npm install --global npm@11.19.1 && npm cache clean --force
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY . .
# The server into dist/, the web app into web/dist/.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
RUN npm install --global npm@11.19.1 && npm cache clean --force
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/var/lib/handmark
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /var/lib/handmark && chown node:node /var/lib/handmark
USER node
# DATA_DIR: uploaded files (STORAGE_DIR defaults to DATA_DIR/storage), and the embedded PostgreSQL
# when DATABASE_URL is unset. A volume, so they survive upgrades.
VOLUME ["/var/lib/handmark"]
EXPOSE 3000
# Healthy when the server answers and reaches its database (slim images have no curl: node fetches).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => r.json()).then((h) => process.exit(h.status === 'ok' ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
