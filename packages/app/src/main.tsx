import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { startErrorReporting } from './monitoring/error-reporting';
import { WalletProvider } from './wallet/wallet-provider';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    // One quick retry for one-off reads; pages that poll (status) turn retries off and let the poll retry.
    queries: { retry: 1 },
  },
});

const container = document.getElementById('root');
if (container === null) throw new Error('index.html must contain an element with id "root"');

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <WalletProvider>
        <App />
      </WalletProvider>
    </QueryClientProvider>
  </StrictMode>,
);

// After the first render: @sentry/react is a chunk of its own, fetched only when VITE_SENTRY_DSN is set.
void startErrorReporting();
