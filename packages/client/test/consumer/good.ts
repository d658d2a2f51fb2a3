// An app outside the repository: it has only @trellis/client and its peers installed.
import {
  createTrellisClient,
  isConflict,
  TrellisError,
  type ActivityEvent,
  type RouterInputs,
  type Task,
} from '@trellis/client';

const url = process.env.TRELLIS_URL ?? 'http://127.0.0.1:3000/trpc';
const email = `outside-${Date.now()}@example.com`;
const { token } = await createTrellisClient({ url }).auth.signUp.mutate({
  email,
  password: 'a long password',
  name: 'Outside',
});
const client = createTrellisClient({ url, token });
const workspace = await client.workspaces.create.mutate({ name: 'Out', slug: `out-${Date.now()}` });
const project = await client.projects.create.mutate({
  workspaceId: workspace.id,
  key: 'OUT',
  name: 'Outside',
});
// Live activity (Server-Sent Events through the `eventsource` package, token as a header).
let started!: () => void;
const connected = new Promise<void>((resolve) => (started = resolve));
const firstEvent = new Promise<ActivityEvent>((resolve, reject) => {
  const subscription = client.activity.onEvent.subscribe(
    { workspaceId: workspace.id },
    {
      onStarted: () => started(),
      onData: (event) => {
        subscription.unsubscribe();
        resolve(event);
      },
      onError: reject,
    },
  );
});
await connected;
const input: RouterInputs['tasks']['create'] = { projectId: project.id, title: 'From outside' };
const task: Task = await client.tasks.create.mutate(input);
const event = await firstEvent;
const live = {
  kind: event.data.kind,
  key: event.data.data.key,
  date: event.data.createdAt instanceof Date,
  id: /^\d+$/.test(event.id),
};
const labelNames: string[] = task.labels.map((label) => label.name);
let conflict = false;
try {
  await client.tasks.update.mutate({ id: task.id, version: task.version + 5, title: 'stale' });
} catch (error) {
  conflict = isConflict(error) && error instanceof TrellisError && error.status === 409;
}
console.log(
  JSON.stringify({
    key: task.key,
    labelNames,
    conflict,
    created: task.createdAt instanceof Date,
    live,
  }),
);
