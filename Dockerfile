# syntax=docker/dockerfile:1
# The SGE platform's production images (docker-compose.prod.yml builds both):
#   target `runtime` (default): the API and the workers, `node packages/api/dist/main.js --role api|worker`,
#                               plus the operator commands in packages/api/dist (db-cli, archive, backup-drill);
#   target `web`:               nginx serving the app's static build and proxying the API (ops/nginx/nginx.conf).
# Build: docker build -t sge . && docker build --target web -t sge-web .

FROM node:20-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/contracts/package.json packages/contracts/
COPY packages/api/package.json packages/api/
COPY packages/app/package.json packages/app/
# Install scripts stay off, as package.json's allowScripts says (the binaries ship in platform packages).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# Same origin by default: nginx serves the app and proxies /api, /healthz and /metrics.
ARG VITE_API_URL=""
ENV VITE_API_URL=${VITE_API_URL}
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    MOCK_MODE=false \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
# PostgreSQL client tools for `ops:backup-drill` (pg_dump/pg_restore); curl-free health check below.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
# Never root: the image's `node` user (uid 1000) owns nothing but can read the application.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "packages/api/dist/main.js"]
CMD ["--role", "api"]

FROM nginx:1.27-alpine AS web
COPY ops/nginx/nginx.conf /etc/nginx/nginx.conf
COPY --from=build /app/packages/app/dist /usr/share/nginx/html
# nginx.conf keeps its pid and temporary files in /tmp and listens on 8080, so it needs no root either.
USER nginx
EXPOSE 8080
