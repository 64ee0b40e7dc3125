# The same steps as .ci/run: npm ci, then build. Serves the fake with its default fixtures.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
EXPOSE 4010
CMD ["node", "dist/cli.js", "serve", "--host", "0.0.0.0", "--port", "4010"]
