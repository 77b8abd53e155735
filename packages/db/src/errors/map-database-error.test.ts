import { describe, expect, it } from 'vitest';
import { isConnectionFailure } from './connection-failure.js';
import { DatabaseError } from './database-error.js';
import { DatabaseUnavailableError } from './database-unavailable-error.js';
import { InsufficientCreditsError } from './insufficient-credits-error.js';
import { mapDatabaseError } from './map-database-error.js';
import { PermissionDeniedError } from './permission-denied-error.js';
import { TaskClaimedElsewhereError } from './task-claimed-elsewhere-error.js';

function driverError(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe('mapDatabaseError', () => {
  it('names the SQLSTATEs our functions raise, keeping the driver error as cause', () => {
    const cause = driverError('GQ001', 'insufficient credits: 5 needed');
    const mapped = mapDatabaseError(cause);
    expect(mapped).toBeInstanceOf(InsufficientCreditsError);
    expect(mapped).toBeInstanceOf(DatabaseError);
    expect(mapped).toMatchObject({ name: 'InsufficientCreditsError', code: 'GQ001', cause });
    expect(mapped.message).toBe('insufficient credits: 5 needed');
    expect(mapDatabaseError(driverError('GQ006'))).toBeInstanceOf(TaskClaimedElsewhereError);
    expect(mapDatabaseError(driverError('42501'))).toBeInstanceOf(PermissionDeniedError);
  });

  it('wraps anything else as a DatabaseError with its code, and leaves ours alone', () => {
    const mapped = mapDatabaseError(driverError('23505'));
    expect(mapped.constructor).toBe(DatabaseError);
    expect(mapped.code).toBe('23505');
    expect(mapDatabaseError('not an error')).toMatchObject({ message: 'not an error', code: undefined });
    expect(mapDatabaseError(mapped)).toBe(mapped);
  });

  it('maps connection-class failures to DatabaseUnavailableError, and nothing else', () => {
    for (const failure of [
      driverError('08006', 'connection failure'),
      driverError('57P01', 'terminating connection due to administrator command'),
      driverError('57014', 'canceling statement due to statement timeout'),
      driverError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Query read timeout'),
    ]) {
      const mapped = mapDatabaseError(failure);
      expect(mapped, failure.message).toBeInstanceOf(DatabaseUnavailableError);
      expect(mapped.cause).toBe(failure);
    }
    expect(mapDatabaseError(driverError('23505'))).not.toBeInstanceOf(DatabaseUnavailableError);
    expect(isConnectionFailure(new DatabaseError('wrapped', { cause: driverError('08001') }))).toBe(true);
    expect(isConnectionFailure(driverError('42P01', 'relation does not exist'))).toBe(false);
  });
});
