import { Link } from 'react-router';

/** `/` until the Register page takes this route. */
export function HomePage() {
  return (
    <>
      <title>SGE</title>
      <h1>SGE settlement platform</h1>
      <p className="lead">SGE-ID registration, token claims and affiliate payouts on Ethereum.</p>
      <ul className="link-list">
        <li>
          <Link to="/status" className="link-card">
            <span className="link-card__title">Platform status</span>
            <span className="link-card__text">
              Mode, chain, RPC health, relayer balance, contracts and queue, refreshed every few seconds.
            </span>
          </Link>
        </li>
      </ul>
    </>
  );
}
