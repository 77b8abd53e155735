/**
 * The URL of an object under the storage routes, in Supabase Storage's shape
 * (`/object/<public|sign|upload/sign>/<bucket>/<path>`), so one normaliser reads both backends' URLs.
 */
export type ObjectRoute = 'public' | 'sign' | 'upload/sign';

export function objectUrl(baseUrl: string, route: ObjectRoute, bucket: string, path: string): string {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return `${baseUrl}/object/${route}/${encodeURIComponent(bucket)}/${encoded}`;
}
