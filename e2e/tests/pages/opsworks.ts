// Setting up the account through the console door (`POST /api/opsworks-cm/<Operation>`),
// which is not throttled: servers of either engine, settings changes that write events.
import { uniqueName } from './console';

/** Calls an operation through the console door; throws with the error envelope on failure. */
export async function consoleCall<T = unknown>(
  baseURL: string,
  operation: string,
  body: Record<string, unknown>,
): Promise<T> {
  const response = await fetch(`${baseURL}/api/opsworks-cm/${operation}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${operation} failed: HTTP ${response.status}: ${text}`);
  }
  return JSON.parse(text) as T;
}

export type Engine = 'ChefAutomate' | 'Puppet';

/** Creates a server of `engine` named `<prefix>-<unique>` and returns its name. */
export async function createServer(baseURL: string, engine: Engine, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await consoleCall(baseURL, 'CreateServer', {
    Engine: engine,
    ServerName: name,
    InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/aws-opsworks-cm-ec2-role',
    InstanceType: engine === 'Puppet' ? 'c5.xlarge' : 'm5.large',
    ServiceRoleArn: 'arn:aws:iam::123456789012:role/aws-opsworks-cm-service-role',
  });
  return name;
}

type ServerEvent = { Message?: string; CreatedAt?: number };

/** Every event of a server, newest first (one DescribeEvents call without MaxResults). */
export async function allEvents(baseURL: string, serverName: string): Promise<ServerEvent[]> {
  const page = await consoleCall<{ ServerEvents: ServerEvent[] }>(baseURL, 'DescribeEvents', {
    ServerName: serverName,
  });
  return page.ServerEvents;
}
