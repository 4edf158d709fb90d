import { type ReactNode, useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, ScrollRestoration, useLocation } from 'react-router';

/** The pages the navigation lists. Only pages that exist belong here. */
const NAV_ITEMS = [
  { to: '/', label: 'Register', end: true },
  { to: '/claim', label: 'Claim', end: false },
  { to: '/status', label: 'Status', end: false },
  { to: '/affiliate', label: 'Affiliate', end: false },
  { to: '/admin', label: 'Admin', end: false },
] as const;

/**
 * The frame around every page: skip link, header with the navigation, and the main landmark. After a
 * client-side navigation focus moves to the main landmark, so keyboard and screen-reader users start at
 * the new page's content instead of wherever the old page left them.
 */
export function Layout({ children }: { children?: ReactNode }) {
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const previousPathname = useRef(pathname);

  useEffect(() => {
    if (previousPathname.current === pathname) return;
    previousPathname.current = pathname;
    mainRef.current?.focus();
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand" aria-label="SGE home">
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span>SGE</span>
          </Link>
          <nav aria-label="Main">
            <ul className="nav">
              {NAV_ITEMS.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end} className="nav__link">
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="main">
        {children ?? <Outlet />}
      </main>
      <ScrollRestoration />
    </>
  );
}
