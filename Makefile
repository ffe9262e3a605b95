# One front door: `make run`, `make test`, `make lint` set up .venv themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint audit venv clean catalogues

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		(echo "Vägvisare needs Python 3.11 or newer (found: $$($(PYTHON) --version))." && exit 1)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

# A newcomer's first run shows every feature, with the made-up example events and demand rows labelled as such.
run: $(STAMP)
	VAGVISARE_EXAMPLE_CONTENT=$${VAGVISARE_EXAMPLE_CONTENT:-true} $(BIN)/vagvisare run

test: $(STAMP)
	$(BIN)/python -m pytest -n auto

# The installed dependencies against the known vulnerabilities; says plainly when it could not look them up.
audit: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,audit]'
	$(BIN)/python .ci/audit.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m translations.check

# Re-extract the interface strings and merge them into every catalogue (then translate the new ones).
catalogues: $(STAMP)
	$(BIN)/pybabel extract -k N_ -k _ -k gettext -k ngettext:1,2 --no-location --sort-output \
		--project=Vägvisare --copyright-holder=Vägvisare -o translations/bot.pot bot
	for dir in translations/locale/*/; do \
		$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/bot.pot \
			-o $$dir/LC_MESSAGES/bot.po -l $$(basename $$dir | cut -d- -f1) -D bot; \
	done
	$(BIN)/pybabel extract -F translations/admin-babel.cfg -k N_ -k _ -k gettext -k ngettext:1,2 -k flash:2 \
		-k refuse:3 --no-location --sort-output --project=Vägvisare --copyright-holder=Vägvisare \
		-o translations/admin.pot admin
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/admin.pot \
		-o translations/locale/sv/LC_MESSAGES/admin.po -l sv -D admin

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
