import { Controller, Get, Injectable, Logger, OnModuleInit, Post, Req, Res, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, invalidParameter } from '../../application/common/api-errors';
import { CredentialsService } from '../../application/credentials/credentials.service';
import { operationSpec, RequestThrottle } from '../../application/throttling';
import { asDatabaseUnavailable } from '../../persistence/database-errors';
import { SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../error-status';
import { FormBody } from '../server';
import { Ec2Action, Ec2Context } from './ec2-action';
import { Ec2ActionSource } from './ec2-action-source';
import { ec2Code, ec2StatusForCode } from './ec2-errors';
import { parseQueryString, QueryParams } from './ec2-params';
import { answerXml, EC2_API_VERSION, errorXml } from './ec2-xml';
import { checkScopeAndTime, readClaim, SignedRequest, verifySignature } from './sigv4';
import { EC2_ACTION_SOURCES } from './actions';

/** Parameters of every request, not of its action: the protocol's and the presigned signature's. */
const COMMON_PARAMS = new Set(['Action', 'Version', 'DryRun', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token']);

interface CodedError {
  readonly isDomainError: true;
  readonly code: string;
  readonly message: string;
}
const isDomainError = (e: unknown): e is CodedError => typeof e === 'object' && e !== null && (e as CodedError).isDomainError === true;

/** Sends EC2's error document with EC2's status for the code (also used by the error filter and the stopping refusal for `/`). */
export function sendEc2Error(reply: FastifyReply, code: string, message: string, requestId: string): void {
  const c = ec2Code(code);
  if (c === 'ServiceUnavailable') void reply.header('Retry-After', String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS));
  void reply.status(ec2StatusForCode(c)).header('content-type', 'text/xml;charset=UTF-8').send(errorXml(c, message, requestId));
}

/**
 * The EC2 Query protocol: `POST /` (form-encoded) and `GET /` (query string), `Action=…&Version=2016-11-15`.
 * Per request: the parameters (query and body), the action (MissingAction, InvalidAction), the
 * version, the signature (SigV4, header or presigned), the action's declared parameters
 * (UnknownParameter), the throttle (the REST twin's buckets; RequestLimitExceeded), DryRun, then
 * the handler, whose answer becomes EC2's XML. Any error is EC2's error document.
 */
@Injectable()
export class Ec2Adapter implements OnModuleInit {
  private readonly logger = new Logger('Ec2Adapter');
  private readonly actions = new Map<string, Ec2Action>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly credentials: CredentialsService,
    private readonly throttle: RequestThrottle,
  ) {}

  onModuleInit(): void {
    for (const source of EC2_ACTION_SOURCES as readonly Type<Ec2ActionSource>[]) {
      const actions = this.moduleRef.get(source, { strict: false }).actions;
      for (const [name, action] of Object.entries(actions)) {
        if (this.actions.has(name)) throw new Error(`EC2 action ${name} is declared twice (${source.name})`);
        operationSpec(action.operation); // an unknown operation fails start-up
        this.actions.set(name, action);
      }
    }
  }

  /** The actions served (docs and tests). */
  actionNames(): string[] {
    return [...this.actions.keys()].sort();
  }

  async handle(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const requestId = String(req.id);
    // EC2's header for the request id, which the SDKs report as `$metadata.requestId`.
    void reply.header('x-amzn-requestid', requestId);
    try {
      const xml = await this.answer(req, requestId);
      void reply.status(200).header('content-type', 'text/xml;charset=UTF-8').send(xml);
    } catch (err) {
      const known = isDomainError(err) ? err : asDatabaseUnavailable(err);
      if (known) return sendEc2Error(reply, known.code, known.message, requestId);
      this.logger.error({ err, requestId }, 'unhandled error');
      sendEc2Error(reply, 'InternalError', 'An internal error has occurred.', requestId);
    }
  }

  private async answer(req: FastifyRequest, requestId: string): Promise<string> {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const queryText = q < 0 ? '' : req.url.slice(q + 1);
    let body = '';
    if (req.body instanceof FormBody) body = req.body.text;
    else if (req.body !== undefined && req.body !== null) throw invalidParameter('The EC2 Query protocol takes its parameters form-encoded (application/x-www-form-urlencoded) or in the query string.');
    const all = parseQueryString(queryText);
    parseQueryString(body, all);

    const actionName = all.get('Action');
    if (!actionName) throw new ApiError('MissingAction', 'The request must contain the parameter Action.');
    const action = this.actions.get(actionName);
    if (!action) throw new ApiError('InvalidAction', `The action ${actionName.slice(0, 100)} is not valid for this web service.`);
    const version = all.get('Version');
    if (!version) throw new ApiError('MissingParameter', 'The request must contain the parameter Version.');
    if (version !== EC2_API_VERSION) throw new ApiError('InvalidParameterValue', `Nimbus speaks the EC2 API version ${EC2_API_VERSION}, not '${version.slice(0, 40)}'.`);

    // The signature, before anything of the caller's is looked at.
    const signed: SignedRequest = { method: req.method, host: String(req.headers.host ?? ''), path: decodeURIComponent(path), query: queryRecord(queryText), headers: req.headers, body };
    const claim = readClaim(signed);
    checkScopeAndTime(claim, Date.now());
    const identity = await this.credentials.identify(claim.accessKeyId);
    if (!identity) throw new ApiError('InvalidClientTokenId', `The security token included in the request is invalid: no access key '${claim.accessKeyId.slice(0, 40)}'.`);
    await verifySignature(signed, claim, identity);

    const params = new QueryParams(all);
    const declared = new Set(action.params);
    for (const name of all.keys()) {
      if (COMMON_PARAMS.has(name)) continue;
      const top = name.split('.', 1)[0];
      if (!declared.has(top)) throw new ApiError('UnknownParameter', `The parameter ${top} is not recognized by ${actionName}${declared.size ? ` (it takes ${[...declared].join(', ')})` : ''}.`);
    }

    const ctx: Ec2Context = { tenant: identity.tenant, accountId: identity.accountId, requestId };
    const spec = operationSpec(action.operation);
    const decision = this.throttle.take({
      tenantId: identity.tenant.id,
      operation: action.operation,
      filteredOrPaginated: [...all.keys()].some((k) => !COMMON_PARAMS.has(k)),
      resourceCount: spec.resource ? resourceCount(action.operation, params) : undefined,
      limits: identity.tenant.requestLimits ?? undefined,
    });
    if (!decision.allowed) throw new ApiError('RequestLimitExceeded', decision.message);

    try {
      if (params.bool('DryRun') === true) {
        await action.dryRun?.(ctx, params);
        throw new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
      }
      return answerXml(actionName, requestId, await action.handler(ctx, params));
    } catch (err) {
      // A request that fails (a dry run included) affects no instance: its resource tokens come back.
      decision.refundResources?.();
      throw err;
    }
  }
}

/** The instances a request affects, for the resource buckets: RunInstances' MaxCount, else its instance ids. */
function resourceCount(operation: string, p: QueryParams): number {
  if (operation === 'RunInstances') return p.int('MaxCount', { min: 1 }) ?? 1;
  return Math.max(1, p.list('InstanceId').length);
}

function queryRecord(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** `GET /` and `POST /`: the EC2 endpoint (not in OpenAPI, which documents REST). */
@ApiExcludeController()
@Controller()
export class Ec2Controller {
  constructor(private readonly adapter: Ec2Adapter) {}

  @Get() get(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.adapter.handle(req, reply);
  }

  @Post() post(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.adapter.handle(req, reply);
  }
}
