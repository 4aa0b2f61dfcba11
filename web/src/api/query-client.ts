/**
 * The console's one QueryClient. A 4xx answer is the server's decision (no access, not found,
 * confirmation required): retrying it only delays the message, so only network and 5xx failures
 * are retried, once.
 */
import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './client';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (failures, error) => failures < 1 && !(error instanceof ApiError && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
}
