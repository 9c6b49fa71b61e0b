/**
 * HubSpot's error body, as the OpenAPI specs define it (`Error`: category, correlationId, message, and
 * optional subCategory, errors[], context, links), plus `status: "error"`, which HubSpot sends too.
 * Every sandbox route answers failures through these helpers so that all error bodies share one shape.
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

export interface HubSpotErrorDetail {
  message: string;
  code?: string;
  subCategory?: string;
  in?: string;
  context?: Record<string, string[]>;
}

export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  subCategory?: string;
  errors?: HubSpotErrorDetail[];
  context?: Record<string, string[]>;
  links?: Record<string, string>;
}

export function errorBody(
  category: string,
  message: string,
  extra: Partial<Omit<HubSpotErrorBody, 'status' | 'message' | 'category' | 'correlationId'>> = {},
): HubSpotErrorBody {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

export function sendError(
  res: Response,
  httpStatus: number,
  category: string,
  message: string,
  extra: Partial<Omit<HubSpotErrorBody, 'status' | 'message' | 'category' | 'correlationId'>> = {},
): void {
  res.status(httpStatus).json(errorBody(category, message, extra));
}

/** 400 VALIDATION_ERROR with one detail per problem. */
export const sendValidationError = (
  res: Response,
  message: string,
  errors: HubSpotErrorDetail[] = [],
): void => sendError(res, 400, 'VALIDATION_ERROR', message, errors.length > 0 ? { errors } : {});

export const sendNotFound = (res: Response, message = 'resource not found'): void =>
  sendError(res, 404, 'OBJECT_NOT_FOUND', message);

export const sendConflict = (res: Response, message: string): void =>
  sendError(res, 409, 'CONFLICT', message);
