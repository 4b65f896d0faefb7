// Helpers of the component tests: API failures as Axios reports them.
import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios'

const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig

/** A problem+json answer of the server. */
export function problem(status: number, code: string, extra: Record<string, unknown> = {}): AxiosError {
  const data = { type: `urn:boxoffice:problem:${code}`, title: code, status, detail: `${code} detail`, code, ...extra }
  return new AxiosError(`Request failed with status code ${status}`, 'ERR_BAD_REQUEST', config, {}, {
    status,
    statusText: '',
    data,
    headers: {},
    config,
  })
}

/** No answer at all. */
export function networkError(): AxiosError {
  return new AxiosError('Network Error', 'ERR_NETWORK', config, {})
}
