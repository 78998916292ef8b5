export default async function globalTeardown() {
  await globalThis.handmarkTestDatabase?.dispose();
}
