import { describe, expect, it } from 'vitest';
import { DatabaseError } from './database-error.js';
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
});
