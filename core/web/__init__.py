"""HTTP plumbing shared by the API, admin and portal: security headers, mounting, guards."""
