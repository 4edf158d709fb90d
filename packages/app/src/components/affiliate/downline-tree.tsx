import type { TDownline } from '@sge/shared';

type TNode = TDownline['nodes'][number];

/** Children per parent id, in the order the API sent them (parent before child). */
function childrenByParent(nodes: TNode[]): Map<string | null, TNode[]> {
  const map = new Map<string | null, TNode[]>();
  for (const node of nodes) {
    const list = map.get(node.parentId) ?? [];
    list.push(node);
    map.set(node.parentId, list);
  }
  return map;
}

function Branch({ parentId, tree }: { parentId: string; tree: Map<string | null, TNode[]> }) {
  const nodes = tree.get(parentId) ?? [];
  if (nodes.length === 0) return null;
  return (
    <ul className="tree">
      {nodes.map((node) => (
        <li key={node.id} data-testid="downline-node">
          <span className="tree__code">{node.code}</span>{' '}
          <span className="muted">
            level {node.level}, {node.referrals} referrals{node.status === 'ACTIVE' ? '' : `, ${node.status}`}
          </span>
          <Branch parentId={node.id} tree={tree} />
        </li>
      ))}
    </ul>
  );
}

/** The affiliates below the signed-in one, as a nested list (a tree that screen readers read as one). */
export function DownlineTree({ downline, code }: { downline: TDownline; code: string }) {
  if (downline.nodes.length === 0) {
    return (
      <p className="muted" data-testid="no-downline">
        No affiliates below you yet.
      </p>
    );
  }
  const children = childrenByParent(downline.nodes);
  return (
    <div data-testid="downline">
      <p>
        <span className="tree__code">{code}</span> (you)
      </p>
      <Branch parentId={downline.rootId} tree={children} />
      {downline.truncated && <p className="muted">The downline is too large to show in full.</p>}
    </div>
  );
}
