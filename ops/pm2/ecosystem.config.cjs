// PM2 process file for the SGE platform, the alternative to the systemd units in ops/systemd/.
//   cd /opt/sge && npm ci && npm run build && pm2 start ops/pm2/ecosystem.config.cjs && pm2 save
// API replicas are separate forks on their own ports (SGE_API_PORTS, default 3001,3002) behind nginx or a load
// balancer (ops/nginx/nginx.conf), like sge-api@<port>.service; PM2's cluster mode would work too, but separate
// ports let the load balancer health-check (GET /healthz) and drain each replica on its own.
// Namespaces group them: `pm2 restart sge-api` restarts every replica, `pm2 stop sge-workers` stops the workers.
// Settings come from ENV_FILE (default /etc/sge/sge.env, readable by the PM2 user); secrets from files named
// there as NAME_FILE=/etc/sge/secrets/<name> (see ops/systemd/sge.env.example).
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const envFile = process.env.SGE_ENV_FILE || '/etc/sge/sge.env';
const apiPorts = (process.env.SGE_API_PORTS || '3001,3002').split(',').map((port) => Number(port.trim()));
const workers = Number(process.env.SGE_WORKERS || 1);
for (const port of apiPorts) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`SGE_API_PORTS: bad port ${port}`);
}
if (!Number.isInteger(workers) || workers < 1) throw new Error('SGE_WORKERS must be a whole number ≥ 1');

const common = {
  cwd: root,
  script: 'packages/api/dist/main.js',
  interpreter: 'node',
  exec_mode: 'fork',
  autorestart: true,
  restart_delay: 2000,
  // SIGTERM drains in-flight requests and jobs (SHUTDOWN_TIMEOUT_MS, default 30 s) before exiting.
  kill_timeout: 60000,
  // The platform logs JSON lines to stdout; keep them as they are.
  merge_logs: true,
  time: false,
};

module.exports = {
  apps: [
    ...apiPorts.map((port) => ({
      ...common,
      name: `sge-api-${port}`,
      namespace: 'sge-api',
      args: '--role api',
      env: { NODE_ENV: 'production', ENV_FILE: envFile, PORT: String(port) },
    })),
    {
      ...common,
      name: 'sge-workers',
      namespace: 'sge-workers',
      args: '--role worker',
      instances: workers,
      env: { NODE_ENV: 'production', ENV_FILE: envFile },
    },
  ],
};
