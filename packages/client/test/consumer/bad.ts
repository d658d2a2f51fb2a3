import { createTrellisClient, type Task } from '@trellis/client';

const client = createTrellisClient({ url: 'http://127.0.0.1:3000/trpc' });
// Each line below must be a compile error (the test counts them by marker).
await client.tasks.create.mutate({ projectId: 'p', titel: 'x' }); // BAD:misspelt-field
await client.tasks.move.mutate({ id: 'x' }); // BAD:unknown-procedure
await client.tasks.update.mutate({ id: 'i', version: '1' }); // BAD:wrong-type
export const first = (task: Task): string => task.labels[0]!.nmae; // BAD:misspelt-output-field
client.activity.onEvent.subscribe({ workspace: 'acme' }, {}); // BAD:subscription-input
