// BullMQ declares pg an optional peer (for a Postgres backend gpuq does not use). pnpm resolves an
// optional peer wherever the workspace has that package, so every BullMQ user, the GPU workers
// included, would install the Postgres client. Dropping the peer keeps workers free of database
// code (scripts/repo-checks checks what each worker app installs).
module.exports = {
  hooks: {
    readPackage(manifest) {
      if (manifest.name === 'bullmq') {
        delete manifest.peerDependencies?.pg;
        delete manifest.peerDependenciesMeta?.pg;
      }
      return manifest;
    },
  },
};
