import { Link } from 'react-router';

/** Tells users of a Mock-mode platform that nothing here is real, with a way to the /status page. */
export function MockModeNotice() {
  return (
    <p className="notice notice--warning" data-testid="mock-notice">
      <strong>Mock mode:</strong> this platform runs on a local test chain; SGE-IDs and tokens here have no
      value. <Link to="/status">Platform status</Link>
    </p>
  );
}
