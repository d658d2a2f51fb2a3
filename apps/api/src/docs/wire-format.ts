/**
 * The "Wire format" section of docs/api.md: what a caller without @trpc/client (curl, another
 * language) sends and gets back. Every `sh` block here is run by apps/api/test/wire-format.test.ts
 * against a real server, with API, TOKEN, WORKSPACE and PROJECT set, so the examples keep working.
 */
export const WIRE_FORMAT_SECTION = `## Wire format

Inputs and outputs are [superjson](https://github.com/flightcontrolhq/superjson): the JSON value
goes in a \`json\` envelope, and values JSON cannot carry are listed in \`meta.values\` by path. Here
that is only \`Date\` (task due dates): an ISO 8601 string in \`json\`, marked \`["Date"]\` in \`meta\`.
Input without the envelope is refused with \`BAD_REQUEST\` ("The input must be wrapped for
superjson"). The examples set \`API=http://127.0.0.1:3000\`, \`TOKEN\` (from \`auth.signUp\` or
\`auth.signIn\`: \`result.data.json.token\`), \`WORKSPACE\` and \`PROJECT\` (ids from
\`workspaces.create\` and \`projects.create\`).

A mutation is a \`POST\` with the envelope as its body; the answer is \`{"result":{"data":{"json": …}}}\`:

\`\`\`sh
curl -s -X POST "$API/trpc/auth.signUp" -H 'content-type: application/json' \\
  -d '{"json":{"email":"ada@example.com","password":"correct horse battery","name":"Ada"}}'
\`\`\`

A query is a \`GET\` with the envelope, URL-encoded, as \`input\`:

\`\`\`sh
curl -s -G "$API/trpc/projects.list" -H "authorization: Bearer $TOKEN" \\
  --data-urlencode "input={\\"json\\":{\\"workspaceId\\":\\"$WORKSPACE\\"}}"
\`\`\`

A \`Date\` travels as a string in \`json\` with its path in \`meta.values\`; outputs mark theirs the
same way (\`createdAt\`, \`dueDate\`, …):

\`\`\`sh
curl -s -X POST "$API/trpc/tasks.create" -H "authorization: Bearer $TOKEN" \\
  -H 'content-type: application/json' \\
  -d "{\\"json\\":{\\"projectId\\":\\"$PROJECT\\",\\"title\\":\\"Ship it\\",\\"dueDate\\":\\"2027-01-31T00:00:00.000Z\\"},\\"meta\\":{\\"values\\":{\\"dueDate\\":[\\"Date\\"]}}}"
\`\`\`

A batch names several procedures, comma-separated, with \`?batch=1\`; the input is an object keyed
by each call's index, and the answer an array in the same order (each call succeeds or fails on
its own). Queries batch in a \`GET\`, mutations in a \`POST\` (the same object as its body). A
procedure without input (\`auth.me\`) takes no \`input\` on its own, and
\`{"json":null,"meta":{"values":["undefined"]}}\` as its entry in a batch:

\`\`\`sh
curl -s -G "$API/trpc/projects.list,labels.list" -H "authorization: Bearer $TOKEN" \\
  --data-urlencode 'batch=1' \\
  --data-urlencode "input={\\"0\\":{\\"json\\":{\\"workspaceId\\":\\"$WORKSPACE\\"}},\\"1\\":{\\"json\\":{\\"workspaceId\\":\\"$WORKSPACE\\"}}}"
\`\`\`

An error is \`{"error":{"json":{"message", "code", "data":{"code", "httpStatus", "path", "issues"?}}}}\`
with the HTTP status of \`data.httpStatus\`. For invalid input, \`message\` is a sentence for people
and \`data.issues\` the list for programs:

\`\`\`sh
curl -s -X POST "$API/trpc/tasks.create" -H "authorization: Bearer $TOKEN" \\
  -H 'content-type: application/json' -d "{\\"json\\":{\\"projectId\\":\\"$PROJECT\\",\\"title\\":\\"\\"}}"
\`\`\`
`;
