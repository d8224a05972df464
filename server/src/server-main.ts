/** Process entry of the server bundle (dist/server/server.js), started by the extension over IPC. */
import { startServer } from './server';

startServer();
