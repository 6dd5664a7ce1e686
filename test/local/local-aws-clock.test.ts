/**
 * The local AWS endpoints keep the time of their `clock` (a local run's simulated time): answers
 * carry it in their `Date` header, as AWS's do. The SDK corrects its signing clock by that header
 * and retries an error answer whose Date disagreed with its own, so a function whose clock runs
 * ahead must see the same time from the services.
 */
import http from 'node:http';
import { type LocalAws, startLocalAws } from '../../local/aws';

let aws: LocalAws | undefined;
afterEach(async () => {
  await aws?.close();
  aws = undefined;
});

function dateHeader(url: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/schedules`, (res) => {
        res.resume();
        res.once('end', () => resolve(res.headers.date));
      })
      .once('error', reject);
  });
}

describe('the local AWS endpoints clock', () => {
  it("answers with the clock's time in the Date header (here an unsigned request's refusal)", async () => {
    const simulated = Date.UTC(2030, 5, 1, 12, 0, 0);
    aws = await startLocalAws({ clock: () => simulated });

    const date = await dateHeader(aws.endpoint);

    expect(date).toBe('Sat, 01 Jun 2030 12:00:00 GMT');
  });
});
