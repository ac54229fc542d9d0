export { canStartTestPostgres, findPostgresBinDir, freePort, startTestPostgres, type TestPostgres } from "./server.ts";
