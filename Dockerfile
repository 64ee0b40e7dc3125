# The same steps as .ci/run: npm ci, then build. Serves the fake with its default fixtures.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
EXPOSE 4010
# On 0.0.0.0 the control plane (/__flowtwin) needs a token: pass one with -e FLOWTWIN_CONTROL_TOKEN=...,
# or read the generated one from the log ("control token: ..."). GET /__flowtwin/health stays open.
# Settings as variables, not CMD flags, so `docker run -e FLOWTWIN_STORE=redis://...` (or any FLOWTWIN_*)
# changes one without restating the command.
ENV FLOWTWIN_HOST=0.0.0.0 FLOWTWIN_PORT=4010
CMD ["node", "dist/cli.js", "serve"]
