/** Tests refuse to touch a database whose name does not say it is for tests. */
export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.slice(1);
  if (!name.includes('test')) throw new Error(`Refusing to run tests against database "${name}": its name must contain "test"`);
}

/** The run's test database (created by jest's global setup). */
export function testDatabaseUrl(): string {
  const url = process.env.HANDMARK_TEST_DATABASE_URL;
  if (!url) throw new Error('HANDMARK_TEST_DATABASE_URL is not set: run the tests through jest (global setup creates the database)');
  assertTestDatabase(url);
  return url;
}
