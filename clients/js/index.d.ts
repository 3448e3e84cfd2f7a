// Types for ddbwatch-callsite (see index.js).
export declare const HEADER: 'x-ddbwatch-callsite';
export declare const REQUEST_IDS_HEADER: 'x-ddbwatch-request-ids';

export interface CallsiteOptions {
  /** Paths are reported relative to this folder (default: process.cwd()). */
  root?: string;
  /** More file substrings or patterns to look past when finding the caller. */
  skip?: Array<string | RegExp>;
  /** A fixed name for every request of this client. */
  name?: string;
  /** false: add nothing. */
  enabled?: boolean;
}

interface HasMiddlewareStack {
  middlewareStack: { add(middleware: unknown, options: unknown): void };
}

/** Adds the x-ddbwatch-callsite header to every request of client; returns client. */
export declare function useCallsite<C extends HasMiddlewareStack>(client: C, options?: CallsiteOptions): C;
/** Runs fn with a call-site name; returns what fn returns. */
export declare function withCallsite<T>(name: string, fn: () => T): T;
export interface KoaCallsiteOptions {
  /** Answer with x-ddbwatch-request-ids: the x-amzn-RequestId of each DynamoDB call made (tests). */
  requestIds?: boolean;
}

/** Koa middleware naming requests "<METHOD> <route>". */
export declare function koaCallsite(
  options?: KoaCallsiteOptions,
): (ctx: unknown, next: () => Promise<unknown>) => Promise<unknown>;
/** "<file>:<line>" of the first application frame on the stack, relative to root. */
export declare function codeLocation(root: string, skip?: Array<string | RegExp>): string | null;
