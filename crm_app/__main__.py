from crm_app.cli import main

raise SystemExit(main())
