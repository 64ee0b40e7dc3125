# The same steps as .ci/run: npm ci, then build. Serves the fake with its default fixtures.
# Node 22: Node 20 reached its end of life on 2026-04-30.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
# The runtime stage takes this node_modules: the compiler, test tools and vendor SDKs stay behind.
# The store drivers (optional peers of the package, dev dependencies here) become dependencies first,
# so the image serves every store.
RUN node scripts/image-dependencies.mjs && npm prune --omit=dev

FROM node:22-bookworm-slim
WORKDIR /app
# What dist/ reads at run time: package.json (the version), specs/ (spec/load.ts, the JSON schemas),
# fixtures/ (the default seed) and ui/ (the dashboard), each resolved next to dist/. Owned by root:
# the node user can read them but not change them.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/specs ./specs
COPY --from=build /app/fixtures ./fixtures
COPY --from=build /app/ui ./ui
# `flowtwin` as a command (dist/cli.js starts with #!/usr/bin/env node), so `docker run <image> serve
# --store ...` and `docker run <image> contract --vendor ...` read like the README's commands.
# /data is the one writable place: run with -e FLOWTWIN_STORE=sqlite:/data/flowtwin.db and a volume
# there for a store that outlives the container.
RUN chmod +x dist/cli.js && ln -s /app/dist/cli.js /usr/local/bin/flowtwin && mkdir /data && chown node:node /data
VOLUME /data
# On 0.0.0.0 the control plane (/__flowtwin) needs a token: pass one with -e FLOWTWIN_CONTROL_TOKEN=...,
# or read the generated one from the log ("control token: ..."). GET /__flowtwin/health stays open.
# Settings as variables, not CMD flags, so `docker run -e FLOWTWIN_STORE=redis://...` (or any FLOWTWIN_*)
# changes one without restating the command.
ENV NODE_ENV=production FLOWTWIN_HOST=0.0.0.0 FLOWTWIN_PORT=4010
USER node
EXPOSE 4010
# node's own fetch: the slim image has no curl. It follows FLOWTWIN_PORT; a --port flag it cannot see.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.FLOWTWIN_PORT||4010)+'/__flowtwin/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["flowtwin"]
CMD ["serve"]
