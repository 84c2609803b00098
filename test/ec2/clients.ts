import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's awscli and python3-boto3 (.ci/run installs them); with CI=true a missing one fails the suite rather than skipping it. */
export const AWS_CLI = '/usr/bin/aws';
export const PYTHON = '/usr/bin/python3';

export function haveAwsCli(): boolean {
  return existsSync(AWS_CLI);
}

export function haveBoto3(): Promise<boolean> {
  return new Promise((resolve) => execFile(PYTHON, ['-c', 'import boto3'], (err) => resolve(!err)));
}

/** `describe` when the client is there or CI requires it; `describe.skip` otherwise (a developer's machine without it). */
export function describeIf(available: boolean): jest.Describe {
  return available || process.env.CI === 'true' ? describe : describe.skip;
}

/**
 * An environment with nothing of the machine's AWS setup in it: no config or credentials file, no
 * profile, no instance metadata, no pager; only the access key given.
 */
export function cleanAwsEnv(credentials: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: mkdtempSync(join(tmpdir(), 'nimbus-aws-')),
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_RETRY_MODE: 'standard',
    AWS_MAX_ATTEMPTS: '3',
  };
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program without blocking the event loop (the app under test answers it from this process). */
export function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}
