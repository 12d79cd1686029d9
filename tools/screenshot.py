#!/usr/bin/env python3
"""Screenshots of JobConnect pages in headless Chromium, logged in if asked.

    python3 tools/screenshot.py BASE_URL OUT_DIR [--login NAME:PASSWORD] [--width 1280] PATH...

Each PATH is saved as OUT_DIR/<path with / replaced by _>.png (full page).
Needs `pip install selenium` and Debian's chromium + chromium-driver.
"""
import argparse
import os
import re
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("out")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--login")
    ap.add_argument("--width", type=int, default=1280)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                 f"--user-data-dir={tempfile.mkdtemp()}", f"--window-size={args.width},900"]:
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        if args.login:
            name, password = args.login.split(":", 1)
            driver.get(args.base + "/login")
            driver.find_element(By.ID, "login").send_keys(name)
            driver.find_element(By.ID, "password").send_keys(password)
            driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
            WebDriverWait(driver, 20).until(lambda d: "/login" not in d.current_url)
        for path in args.paths:
            # Measure at a normal window: the layout fills at least the viewport.
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": args.width, "height": 900, "deviceScaleFactor": 1, "mobile": args.width < 600})
            driver.get(args.base + path)
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": args.width, "height": max(600, min(height, 4000)), "deviceScaleFactor": 1, "mobile": args.width < 600})
            name = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "home"
            out = os.path.join(args.out, f"{name}-{args.width}.png")
            driver.save_screenshot(out)
            print(out)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
