import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The app's router (createBrowserRouter in src/app.tsx), read as source so that a new page is visited too. */
const APP_SOURCE = fileURLToPath(new URL('../../src/app.tsx', import.meta.url));

/** Where the catch-all route (`*`) is visited. */
const UNKNOWN_PATH = '/no-such-page';

function joinPath(parent: string, segment: string): string {
  if (segment.startsWith('/')) return segment;
  return `${parent.replace(/\/$/, '')}/${segment}`;
}

function visit(node: ts.Expression, parent: string, paths: Set<string>): void {
  if (ts.isArrayLiteralExpression(node)) {
    for (const element of node.elements) visit(element, parent, paths);
    return;
  }
  if (!ts.isObjectLiteralExpression(node)) return;
  let path = parent;
  let children: ts.Expression | null = null;
  let isRoute = false;
  for (const property of node.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
    const name = property.name.text;
    if (name === 'path' && ts.isStringLiteral(property.initializer)) {
      const segment = property.initializer.text;
      path = segment === '*' ? UNKNOWN_PATH : joinPath(parent, segment);
      isRoute = true;
    } else if (name === 'index') {
      isRoute = true;
    } else if (name === 'children') {
      children = property.initializer;
    }
  }
  if (isRoute && children === null) paths.add(path === '' ? '/' : path);
  if (children !== null) visit(children, path, paths);
}

/**
 * Every URL path the app's router serves, in source order: nested routes joined to their parents, index
 * routes at their parent's path, the catch-all as UNKNOWN_PATH.
 *
 * @example appRoutePaths() // ['/', '/claim', '/status', '/affiliate', '/admin', '/admin/intents', ...]
 */
export function appRoutePaths(): string[] {
  const source = ts.createSourceFile(
    APP_SOURCE,
    readFileSync(APP_SOURCE, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const paths = new Set<string>();
  const find = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'createBrowserRouter' &&
      node.arguments[0] !== undefined
    ) {
      visit(node.arguments[0], '', paths);
      return;
    }
    ts.forEachChild(node, find);
  };
  find(source);
  if (paths.size === 0) throw new Error(`no createBrowserRouter([...]) routes found in ${APP_SOURCE}`);
  return [...paths];
}
