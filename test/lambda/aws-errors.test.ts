/** describeAwsFailure: the short description both AWS adapters put in their CodedErrors. */
import { describeAwsFailure } from '../../lambda/snapshot/aws-errors';

describe('describeAwsFailure', () => {
  it('names a service error, with its HTTP status and message', () => {
    const error = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });

    expect(describeAwsFailure(error)).toEqual({
      code: 'ThrottlingException',
      httpStatus: 429,
      detail: 'ThrottlingException (HTTP 429): Rate exceeded',
    });
  });

  it('names a network error by its Node code, also when only the message carries it', () => {
    const coded = Object.assign(new Error('getaddrinfo ENOTFOUND scheduler.local'), { code: 'ENOTFOUND' });
    const wrapped = new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9');

    expect(describeAwsFailure(coded).code).toBe('ENOTFOUND');
    expect(describeAwsFailure(wrapped)).toEqual({
      code: 'ECONNREFUSED',
      detail: 'ECONNREFUSED: AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9',
    });
  });

  it('keeps the message on one line and at most 300 characters', () => {
    const error = Object.assign(new Error(`first line\nsecond ${'x'.repeat(400)}`), { name: 'ValidationException' });

    const { detail } = describeAwsFailure(error);

    expect(detail).toMatch(/^ValidationException: first line second x+\.\.\.$/);
    expect(detail.length).toBe('ValidationException: '.length + 300 + 3);
  });

  it('describes a thrown value that is not an Error', () => {
    expect(describeAwsFailure('socket hang up')).toEqual({
      code: 'UnknownError',
      detail: 'UnknownError: socket hang up',
    });
  });
});
